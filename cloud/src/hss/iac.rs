//! IaC files: upload (§2.11) and list (§2.12).
//!
//! The upload API is documented by its path only (reference gap 1). Our choice, mirrored by the
//! emulator: `multipart/form-data` with one `file` part per file and one `file_type` part; at
//! most [`MAX_FILES`] files of at most [`MAX_FILE_BYTES`] each; the answer lists
//! `{file_id, file_name, file_size, upload_file_time}` under `data_list`.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::tasks::IacFileType;
use crate::client::Op;
use crate::validate::{hss_paging, opt_text, range, text, wire_enum};
use crate::{Caller, CloudClient, CloudError, Result, Service};

pub const MAX_FILES: usize = 10;
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

wire_enum! {
    IacScanSource { ManualScan => "manual_scan", CicdScan => "cicd_scan" }
}

/// One file to upload.
#[derive(Clone, Debug)]
pub struct UploadFile {
    pub file_name: String,
    pub content: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub file_id: String,
    pub file_name: String,
    #[serde(default)]
    pub file_size: i64,
    #[serde(default)]
    pub upload_file_time: i64,
}

#[derive(Deserialize)]
struct UploadAnswer {
    data_list: Vec<UploadedFile>,
}

#[derive(Clone, Debug)]
pub struct IacFileQuery {
    pub offset: i64,
    pub limit: i64,
    pub scan_type: IacScanSource,
    pub file_name: Option<String>,
    pub file_type: Option<IacFileType>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacFile {
    pub file_id: String,
    pub file_name: String,
    pub file_type: Option<IacFileType>,
    #[serde(default)]
    pub risky: bool,
    #[serde(default)]
    pub risk_num: i64,
    #[serde(default)]
    pub first_scan_time: i64,
    #[serde(default)]
    pub last_scan_time: i64,
    #[serde(default)]
    pub upload_file_time: i64,
    #[serde(default)]
    pub scan_type: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IacFileList {
    pub total_num: i64,
    #[serde(default)]
    pub data_list: Vec<IacFile>,
}

/// Checks a batch before any byte leaves.
pub fn validate_upload(files: &[UploadFile]) -> Result<()> {
    range("file", files.len() as i64, 1, MAX_FILES as i64)
        .map_err(|_| CloudError::invalid("file", format!("upload 1 to {MAX_FILES} files at a time")))?;
    for f in files {
        text("file_name", &f.file_name, 1, 512)?;
        if f.content.is_empty() || f.content.len() > MAX_FILE_BYTES {
            return Err(CloudError::invalid(
                "file",
                format!("{} must be 1 byte to {} KiB", f.file_name, MAX_FILE_BYTES / 1024),
            ));
        }
    }
    Ok(())
}

impl CloudClient {
    /// `POST /v5/{project_id}/common/files/batch-upload`. Never retried.
    pub async fn hss_upload_iac_files(
        &self,
        caller: &Caller,
        file_type: IacFileType,
        files: Vec<UploadFile>,
    ) -> Result<Vec<UploadedFile>> {
        validate_upload(&files)?;
        let mut form = Form::new().text("file_type", file_type.as_str());
        for f in files {
            let mime = match file_type {
                IacFileType::K8sYaml => "application/yaml",
                IacFileType::Dockerfile => "text/plain",
            };
            let part = Part::bytes(f.content).file_name(f.file_name).mime_str(mime).expect("static mime");
            form = form.part("file", part);
        }
        let path = Self::project_path(caller, "v5", "/common/files/batch-upload")?;
        let req = self.request(Method::POST, Service::Hss, &caller.region, &path)?.multipart(form);
        let resp = self.call(Op::write(Service::Hss, "hss_upload_iac_files"), caller, req).await?;
        Ok(Self::json::<UploadAnswer>(Service::Hss, resp).await?.data_list)
    }

    /// `GET /v5/{project_id}/container/iac/files` (§2.12).
    pub async fn hss_list_iac_files(&self, caller: &Caller, q: &IacFileQuery) -> Result<IacFileList> {
        hss_paging(q.offset, q.limit)?;
        opt_text("file_name", q.file_name.as_deref(), 1, 512)?;
        let path = Self::project_path(caller, "v5", "/container/iac/files")?;
        let mut query = vec![
            ("offset", q.offset.to_string()),
            ("limit", q.limit.to_string()),
            ("scan_type", q.scan_type.as_str().to_string()),
        ];
        if let Some(n) = &q.file_name {
            query.push(("file_name", n.clone()));
        }
        if let Some(t) = q.file_type {
            query.push(("file_type", t.as_str().to_string()));
        }
        let req = self.request(Method::GET, Service::Hss, &caller.region, &path)?.query(&query);
        let resp = self.call(Op::read(Service::Hss, "hss_list_iac_files"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }
}
