//! `GET /v5/{project_id}/image/local-repositories` (§2.14).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::Op;
use crate::validate::{hss_paging, opt_text};
use crate::{Caller, CloudClient, Result, Service};

#[derive(Clone, Debug, Default)]
pub struct LocalImageQuery {
    pub offset: i64,
    /// No documented range; we keep HSS's usual 10–200.
    pub limit: i64,
    pub image_name: Option<String>,
    pub image_version: Option<String>,
    pub has_vul: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalImage {
    pub image_name: String,
    pub image_id: String,
    #[serde(default)]
    pub image_digest: String,
    #[serde(default)]
    pub image_version: String,
    #[serde(default)]
    pub local_image_type: String,
    #[serde(default)]
    pub scan_status: String,
    #[serde(default)]
    pub image_size: i64,
    #[serde(default)]
    pub latest_update_time: i64,
    #[serde(default)]
    pub latest_scan_time: i64,
    #[serde(default)]
    pub vul_num: i64,
    #[serde(default)]
    pub container_num: i64,
    #[serde(default)]
    pub severity_level: String,
    #[serde(default)]
    pub host_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalImageList {
    pub total_num: i64,
    #[serde(default)]
    pub data_list: Vec<LocalImage>,
}

impl CloudClient {
    pub async fn hss_list_local_images(
        &self,
        caller: &Caller,
        q: &LocalImageQuery,
    ) -> Result<LocalImageList> {
        let limit = if q.limit == 0 { 10 } else { q.limit };
        hss_paging(q.offset, limit)?;
        opt_text("image_name", q.image_name.as_deref(), 1, 128)?;
        opt_text("image_version", q.image_version.as_deref(), 1, 64)?;
        let path = Self::project_path(caller, "v5", "/image/local-repositories")?;
        let mut query = vec![("offset", q.offset.to_string()), ("limit", limit.to_string())];
        if let Some(n) = &q.image_name {
            query.push(("image_name", n.clone()));
        }
        if let Some(v) = &q.image_version {
            query.push(("image_version", v.clone()));
        }
        if let Some(h) = q.has_vul {
            query.push(("has_vul", h.to_string()));
        }
        let req = self.request(Method::GET, Service::Hss, &caller.region, &path)?.query(&query);
        let resp = self.call(Op::read(Service::Hss, "hss_list_local_images"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }
}
