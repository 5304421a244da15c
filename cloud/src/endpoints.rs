use std::collections::HashMap;

use url::Url;

use crate::{CloudError, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    Iam,
    Hss,
    Dbss,
    Dsc,
}

impl Service {
    /// Name as used in errors and in the SDK's override variables.
    pub fn name(self) -> &'static str {
        match self {
            Service::Iam => "IAM",
            Service::Hss => "HSS",
            Service::Dbss => "DBSS",
            Service::Dsc => "DSC",
        }
    }

    /// Regions the official SDK knows for the service (API reference §1.2).
    pub fn regions(self) -> &'static [&'static str] {
        match self {
            Service::Iam => IAM_REGIONS,
            Service::Hss => HSS_REGIONS,
            Service::Dbss => DBSS_REGIONS,
            Service::Dsc => DSC_REGIONS,
        }
    }

    fn default_host(self, region: &str) -> String {
        match (self, region) {
            (Service::Hss, "eu-west-101") => "https://hss.eu-west-101.myhuaweicloud.eu".into(),
            (Service::Iam, "eu-west-101") => "https://iam.eu-west-101.myhuaweicloud.eu".into(),
            // DSC's hosts are named after its old product name, sdg.
            (Service::Dsc, _) => format!("https://sdg.{region}.myhuaweicloud.com"),
            (Service::Hss, _) => format!("https://hss.{region}.myhuaweicloud.com"),
            (Service::Dbss, _) => format!("https://dbss.{region}.myhuaweicloud.com"),
            (Service::Iam, _) => format!("https://iam.{region}.myhuaweicloud.com"),
        }
    }
}

pub const IAM_REGIONS: &[&str] = &[
    "cn-north-2",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "na-mexico-1",
    "la-north-2",
    "cn-north-9",
    "eu-west-101",
    "eu-west-0",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "me-east-1",
    "ap-southeast-4",
    "ae-ad-1",
    "cn-east-4",
    "cn-east-5",
    "tr-west-1",
    "cn-north-12",
];

const HSS_REGIONS: &[&str] = &[
    "cn-north-9",
    "cn-north-1",
    "cn-north-4",
    "cn-southwest-2",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-south-1",
    "cn-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "na-mexico-1",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "cn-south-4",
    "la-north-2",
    "tr-west-1",
    "cn-north-2",
    "ap-southeast-4",
    "ae-ad-1",
    "me-east-1",
    "cn-east-5",
    "my-kualalumpur-1",
    "eu-west-101",
    "ru-moscow-1",
    "cn-north-12",
    "cn-southwest-3",
    "cn-north-11",
];

const DBSS_REGIONS: &[&str] = &[
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "cn-east-3",
    "cn-south-1",
    "cn-east-2",
    "ap-southeast-3",
    "ap-southeast-2",
    "ru-northwest-2",
    "af-south-1",
    "sa-brazil-1",
    "la-north-2",
    "cn-north-1",
    "cn-north-4",
    "cn-north-2",
    "la-south-2",
    "cn-north-9",
    "cn-north-11",
    "me-east-1",
    "cn-south-4",
    "ap-southeast-4",
    "tr-west-1",
    "cn-east-5",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "cn-north-12",
    "cn-east-4",
    "cn-southwest-3",
    "ap-southeast-5",
    "af-north-1",
];

const DSC_REGIONS: &[&str] = &[
    "cn-north-4",
    "cn-north-1",
    "cn-north-9",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-southwest-2",
    "ap-southeast-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "sa-brazil-1",
    "la-south-2",
    "af-south-1",
    "la-north-2",
    "tr-west-1",
    "eu-west-101",
];

/// Where each service lives. Only these addresses are ever called: a region that is not in the
/// service's list and has no override is refused, so a user-chosen region cannot steer the
/// server to another host.
#[derive(Clone, Debug, Default)]
pub struct Endpoints {
    /// One address serving every service at its real paths (the emulator).
    everything: Option<Url>,
    iam: Option<Url>,
    /// Keyed like the SDK's variables: `HSS_CN_NORTH_4`.
    overrides: HashMap<String, Url>,
}

const REGION_VAR_PREFIX: &str = "HUAWEICLOUD_SDK_REGION_";
const IAM_VAR: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

impl Endpoints {
    /// The real Huawei Cloud hosts.
    pub fn huawei() -> Self {
        Self::default()
    }

    /// Every service at one address, as the emulator serves them.
    pub fn single(base: Url) -> Self {
        Self { everything: Some(base), ..Self::default() }
    }

    /// Reads overrides in the official SDKs' form:
    /// `HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4=https://…` and `HUAWEICLOUD_SDK_IAM_ENDPOINT=https://…`.
    pub fn with_overrides_from<I>(mut self, vars: I) -> Result<Self>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        for (key, value) in vars {
            if key == IAM_VAR {
                self.iam = Some(parse_url(IAM_VAR, &value)?);
            } else if let Some(rest) = key.strip_prefix(REGION_VAR_PREFIX) {
                self.overrides.insert(rest.to_ascii_uppercase(), parse_url("endpoint override", &value)?);
            }
        }
        Ok(self)
    }

    pub fn has_overrides(&self) -> bool {
        self.everything.is_some() || self.iam.is_some() || !self.overrides.is_empty()
    }

    /// Base URL for `service` in `region`.
    pub fn base(&self, service: Service, region: &str) -> Result<Url> {
        if let Some(url) = &self.everything {
            return Ok(url.clone());
        }
        if service == Service::Iam {
            if let Some(url) = &self.iam {
                return Ok(url.clone());
            }
        }
        let key = format!("{}_{}", service.name(), region.replace('-', "_").to_ascii_uppercase());
        if let Some(url) = self.overrides.get(&key) {
            return Ok(url.clone());
        }
        if service == Service::Iam && !IAM_REGIONS.contains(&region) {
            return Ok(Url::parse("https://iam.myhuaweicloud.com").expect("static url"));
        }
        if !service.regions().contains(&region) {
            return Err(CloudError::NoEndpoint { service: service.name(), region: region.into() });
        }
        Ok(Url::parse(&service.default_host(region)).expect("hosts are built from known regions"))
    }
}

fn parse_url(what: &'static str, value: &str) -> Result<Url> {
    let url = Url::parse(value).map_err(|_| CloudError::invalid(what, crate::model::Rule::Url))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CloudError::invalid(what, crate::model::Rule::Url));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_hosts_follow_the_sdk() {
        let e = Endpoints::huawei();
        assert_eq!(
            e.base(Service::Hss, "cn-north-4").unwrap().as_str(),
            "https://hss.cn-north-4.myhuaweicloud.com/"
        );
        assert_eq!(
            e.base(Service::Hss, "eu-west-101").unwrap().host_str(),
            Some("hss.eu-west-101.myhuaweicloud.eu")
        );
        assert_eq!(
            e.base(Service::Dsc, "eu-west-101").unwrap().host_str(),
            Some("sdg.eu-west-101.myhuaweicloud.com")
        );
        assert_eq!(
            e.base(Service::Iam, "cn-north-4").unwrap().host_str(),
            Some("iam.cn-north-4.myhuaweicloud.com")
        );
    }

    #[test]
    fn unknown_regions_cannot_steer_the_host() {
        let e = Endpoints::huawei();
        assert!(e.base(Service::Hss, "evil.example.com/x").is_err());
        assert!(e.base(Service::Dsc, "ru-moscow-1").is_err());
        // IAM falls back to the global endpoint, never to a host built from the input.
        assert_eq!(e.base(Service::Iam, "attacker.test").unwrap().host_str(), Some("iam.myhuaweicloud.com"));
    }

    #[test]
    fn sdk_style_overrides_win() {
        let e = Endpoints::huawei()
            .with_overrides_from([
                ("HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4".to_string(), "http://127.0.0.1:8443".to_string()),
                ("HUAWEICLOUD_SDK_IAM_ENDPOINT".to_string(), "http://127.0.0.1:8444".to_string()),
                ("UNRELATED".to_string(), "x".to_string()),
            ])
            .unwrap();
        assert_eq!(e.base(Service::Hss, "cn-north-4").unwrap().port(), Some(8443));
        assert_eq!(e.base(Service::Iam, "ap-southeast-1").unwrap().port(), Some(8444));
        assert_eq!(
            e.base(Service::Hss, "cn-east-3").unwrap().host_str(),
            Some("hss.cn-east-3.myhuaweicloud.com")
        );
        assert!(Endpoints::huawei()
            .with_overrides_from([("HUAWEICLOUD_SDK_IAM_ENDPOINT".to_string(), "file:///etc".to_string())])
            .is_err());
    }
}
