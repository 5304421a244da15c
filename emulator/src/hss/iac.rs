//! IaC files: upload (§2.11) and list (§2.12).
//!
//! The upload API is undocumented beyond its path. Emulator choice, written down here and in the
//! `cloud` crate: `multipart/form-data` with one or more `file` parts and one `file_type` part
//! (`dockerfile` | `k8s_yaml`); at most 10 files of at most 1 MiB each; the answer is
//! `{"data_list":[{"file_id","file_name","file_size","upload_file_time"}]}`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::json;

use super::{hss_error, invalid, known_project, require_write, QueryArgs};
use crate::gateway::Identity;
use crate::timing::now_ms;
use crate::Emulator;

pub const MAX_FILES: usize = 10;
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

#[derive(Clone, Debug)]
pub struct IacFile {
    pub file_id: String,
    pub file_name: String,
    pub file_type: String,
    pub file_size: i64,
    pub upload_file_time: i64,
    /// Risky settings found in the file (the emulator's own short list, see [`risks`]).
    pub risk_num: i64,
}

/// The emulator's stand-in for HSS's IaC checks: lines that run as root, share the host's
/// namespaces, grant privileges or pull an unpinned image.
fn risks(content: &[u8]) -> i64 {
    const RISKY: &[&str] = &[
        "USER root",
        "privileged: true",
        "hostNetwork: true",
        "hostPID: true",
        ":latest",
        "allowPrivilegeEscalation: true",
    ];
    let text = String::from_utf8_lossy(content);
    text.lines().filter(|l| RISKY.iter().any(|r| l.contains(r))).count() as i64
}

pub async fn upload(
    State(emu): State<Arc<Emulator>>,
    Extension(who): Extension<Identity>,
    Path(project_id): Path<String>,
    mut form: Multipart,
) -> Response {
    if let Err(e) = known_project(&project_id).and_then(|_| require_write(who)) {
        return e;
    }
    let mut file_type = None;
    let mut files: Vec<(String, usize, i64)> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return hss_error("HSS.0002", "failed to parse request: malformed multipart body"),
        };
        match field.name() {
            Some("file_type") => file_type = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let Ok(bytes) = field.bytes().await else {
                    return hss_error("HSS.0002", "failed to parse request: unreadable file part");
                };
                if name.is_empty() || name.chars().count() > 512 {
                    return invalid("file", "each file needs a name of 1 to 512 characters");
                }
                if bytes.is_empty() || bytes.len() > MAX_FILE_BYTES {
                    return invalid("file", &format!("each file must be 1 byte to {MAX_FILE_BYTES} bytes"));
                }
                files.push((name, bytes.len(), risks(&bytes)));
            }
            _ => {}
        }
    }
    let Some(file_type) = file_type.filter(|t| t == "dockerfile" || t == "k8s_yaml") else {
        return invalid("file_type", "required: dockerfile or k8s_yaml");
    };
    if files.is_empty() || files.len() > MAX_FILES {
        return invalid("file", &format!("1 to {MAX_FILES} files"));
    }
    let now = now_ms();
    let stored: Vec<IacFile> = files
        .into_iter()
        .map(|(file_name, size, risk_num)| IacFile {
            file_id: emu.next_id(),
            file_name,
            file_type: file_type.clone(),
            file_size: size as i64,
            upload_file_time: now,
            risk_num,
        })
        .collect();
    let data_list: Vec<_> = stored
        .iter()
        .map(|f| json!({"file_id": f.file_id, "file_name": f.file_name, "file_size": f.file_size, "upload_file_time": f.upload_file_time}))
        .collect();
    emu.add_iac_files(&project_id, stored);
    Json(json!({ "data_list": data_list })).into_response()
}

pub async fn list(
    State(emu): State<Arc<Emulator>>,
    Path(project_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Response> {
    let q = QueryArgs(q);
    known_project(&project_id)?;
    // offset, limit and scan_type are required here, unlike elsewhere in HSS.
    for required in ["offset", "limit", "scan_type"] {
        if q.str(required).is_none() {
            return Err(invalid(required, "required"));
        }
    }
    let (offset, limit) = q.paging()?;
    let scan_type = q.one_of("scan_type", &["manual_scan", "cicd_scan"])?.expect("checked");
    let file_id = q.text("file_id", 1, 64)?;
    let file_name = q.text("file_name", 1, 512)?;
    let file_type = q.one_of("file_type", &["dockerfile", "k8s_yaml"])?;
    let risky = q.one_of("risky", &["true", "false"])?.map(|r| r == "true");
    let files: Vec<_> = emu
        .iac_files(&project_id)
        .into_iter()
        .filter(|_| scan_type == "manual_scan")
        .filter(|f| file_id.is_none_or(|id| f.file_id == id))
        .filter(|f| file_name.is_none_or(|n| f.file_name.contains(n)))
        .filter(|f| file_type.is_none_or(|t| f.file_type == t))
        .filter(|f| risky.is_none_or(|r| r == (f.risk_num > 0)))
        .collect();
    let page: Vec<_> = files
        .iter()
        .rev()
        .skip(offset)
        .take(limit)
        .map(|f| {
            json!({"file_id": f.file_id, "file_name": f.file_name, "file_type": f.file_type, "risky": f.risk_num > 0,
                   "risk_num": f.risk_num, "first_scan_time": 0, "last_scan_time": 0, "upload_file_time": f.upload_file_time,
                   "cicd_id": "", "cicd_name": "", "scan_type": "manual_scan"})
        })
        .collect();
    Ok(Json(json!({"total_num": files.len(), "data_list": page})).into_response())
}
