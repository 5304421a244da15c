//! `GET /v5/{project_id}/image/local-repositories` (§2.14).

use reqwest::Method;

use super::{default_limit, LocalImageList, LocalImageQuery};
use crate::client::Op;
use crate::{Caller, CloudClient, Result, Service};

impl CloudClient {
    pub async fn hss_list_local_images(
        &self,
        caller: &Caller,
        q: &LocalImageQuery,
    ) -> Result<LocalImageList> {
        q.validate()?;
        let path = Self::project_path(caller, "v5", "/image/local-repositories")?;
        let mut query = vec![("offset", q.offset.to_string()), ("limit", default_limit(q.limit).to_string())];
        if let Some(n) = &q.image_name {
            query.push(("image_name", n.clone()));
        }
        if let Some(v) = &q.image_version {
            query.push(("image_version", v.clone()));
        }
        if let Some(h) = q.has_vul {
            query.push(("has_vul", h.to_string()));
        }
        if let Some(s) = &q.scan_status {
            query.push(("scan_status", s.clone()));
        }
        if let Some(h) = q.has_container {
            query.push(("has_container", h.to_string()));
        }
        let req = self.request(Method::GET, Service::Hss, &caller.region, &path)?.query(&query);
        let resp = self.call(Op::read(Service::Hss, "hss_list_local_images"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }
}
