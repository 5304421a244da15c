//! `GET /v5/{project_id}/kubernetes/clusters` (§2.13): the clusters a cluster scan can cover.

use reqwest::Method;

use super::{default_limit, ClusterList, ClusterQuery};
use crate::client::Op;
use crate::{Caller, CloudClient, Result, Service};

impl CloudClient {
    pub async fn hss_list_clusters(&self, caller: &Caller, q: &ClusterQuery) -> Result<ClusterList> {
        q.validate()?;
        let path = Self::project_path(caller, "v5", "/kubernetes/clusters")?;
        let mut query = vec![("offset", q.offset.to_string()), ("limit", default_limit(q.limit).to_string())];
        if let Some(name) = &q.cluster_name {
            query.push(("cluster_name", name.clone()));
        }
        if q.load_agent_info {
            query.push(("load_agent_info", "true".into()));
        }
        let req = self.request(Method::GET, Service::Hss, &caller.region, &path)?.query(&query);
        let resp = self.call(Op::read(Service::Hss, "hss_list_clusters"), caller, req).await?;
        Self::json(Service::Hss, resp).await
    }
}
