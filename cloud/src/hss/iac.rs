//! IaC files: upload (§2.11) and list (§2.12).
//!
//! The upload API is documented by its path only (reference gap 1). Our choice, mirrored by the
//! emulator: `multipart/form-data` with one `file` part per file and one `file_type` part; the
//! bounds are [`super::MAX_FILES`] and [`super::MAX_FILE_BYTES`]; the answer lists
//! `{file_id, file_name, file_size, upload_file_time}` under `data_list`.

use reqwest::multipart::{Form, Part};
use reqwest::Method;
use serde::Deserialize;

use super::{validate_upload_sizes, IacFileList, IacFileQuery, IacFileType, UploadedFile};
use crate::client::Op;
use crate::{Caller, CloudClient, Result, Service};

/// One file to upload.
#[derive(Clone, Debug)]
pub struct UploadFile {
    pub file_name: String,
    pub content: Vec<u8>,
}

#[derive(Deserialize)]
struct UploadAnswer {
    data_list: Vec<UploadedFile>,
}

/// Checks a batch before any byte leaves.
pub fn validate_upload(files: &[UploadFile]) -> Result<()> {
    validate_upload_sizes(files.iter().map(|f| (f.file_name.as_str(), f.content.len())))
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
        let mime = match file_type {
            IacFileType::K8sYaml => "application/yaml",
            IacFileType::Dockerfile => "text/plain",
        };
        let mut form = Form::new().text("file_type", file_type.as_str());
        for f in files {
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
        q.validate()?;
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
