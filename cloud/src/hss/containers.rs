//! `GET /v5/{project_id}/container/kubernetes` (ListContainers, §2.15): the containers a
//! filter matches, for the container export's preview.

use reqwest::Method;

use super::{default_limit, ContainerList, ContainerQuery};
use crate::client::Op;
use crate::{Caller, CloudClient, Result, Service};

impl CloudClient {
    pub async fn hss_list_containers(&self, caller: &Caller, q: &ContainerQuery) -> Result<ContainerList> {
        q.validate()?;
        let path = Self::project_path(caller, "v5", "/container/kubernetes")?;
        let mut query = vec![("offset", q.offset.to_string()), ("limit", default_limit(q.limit).to_string())];
        for (name, value) in
            [("container_name", &q.container_name), ("pod_name", &q.pod_name), ("image_name", &q.image_name)]
        {
            if let Some(v) = value {
                query.push((name, v.clone()));
            }
        }
        if let Some(c) = q.cluster_container {
            query.push(("cluster_container", c.to_string()));
        }
        let req = self.request(Method::GET, Service::Hss, &caller.region, &path)?.query(&query);
        let resp = self.call(Op::read(Service::Hss, "hss_list_containers"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }
}
