//! Property tests: the validators accept exactly the documented ranges, and every refusal names
//! its field.

use cloud::hss::{
    ClusterScanInfo, ContainerExport, ExportHeaderKey, IacFileType, IacScanInfo, NewTask, RangeType,
    ScanType, MAX_EXPORT_SIZE,
};
use cloud::signer::{hex_sha256, Signable};
use cloud::{CloudError, Secret};
use proptest::prelude::*;

fn field_of(e: CloudError) -> &'static str {
    match e {
        CloudError::Invalid { field, .. } => field,
        other => panic!("not a validation error: {other:?}"),
    }
}

proptest! {
    #[test]
    fn export_size_accepts_exactly_1_to_100000(n in -10i64..200_000) {
        let e = ContainerExport {
            export_size: Some(n),
            export_headers: vec![(ExportHeaderKey::ContainerId, "Id".into())],
            ..Default::default()
        };
        let ok = (1..=MAX_EXPORT_SIZE).contains(&n);
        match e.validate() {
            Ok(()) => prop_assert!(ok),
            Err(err) => { prop_assert!(!ok); prop_assert_eq!(field_of(err), "export_size"); }
        }
    }

    #[test]
    fn names_longer_than_255_are_refused(len in 0usize..400) {
        let e = ContainerExport {
            export_headers: vec![(ExportHeaderKey::ClusterName, "Cluster".into())],
            cluster_name: Some("c".repeat(len)),
            ..Default::default()
        };
        let ok = (1..=255).contains(&len);
        match e.validate() {
            Ok(()) => prop_assert!(ok),
            Err(err) => { prop_assert!(!ok); prop_assert_eq!(field_of(err), "cluster_name"); }
        }
    }

    #[test]
    fn specific_clusters_need_ids(ids in proptest::collection::vec("[a-f0-9-]{1,64}", 0..5), specific in any::<bool>()) {
        let task = NewTask::ClusterScan { cluster_scan_info: ClusterScanInfo {
            scan_type_list: vec![ScanType::ClusterVul],
            range_type: if specific { RangeType::SpecificCluster } else { RangeType::AllCluster },
            cluster_id_list: ids.clone(),
        }};
        let ok = specific == !ids.is_empty();
        match task.validate() {
            Ok(()) => prop_assert!(ok),
            Err(err) => { prop_assert!(!ok); prop_assert_eq!(field_of(err), "cluster_id_list"); }
        }
    }

    #[test]
    fn iac_scans_need_files(n in 0usize..250) {
        let task = NewTask::IacScan { iac_scan_info: IacScanInfo {
            file_type: IacFileType::K8sYaml,
            file_id_list: (0..n).map(|i| format!("f{i}")).collect(),
        }};
        prop_assert_eq!(task.validate().is_ok(), (1..=200).contains(&n));
    }

    #[test]
    fn signatures_change_with_any_byte_of_the_body(body in proptest::collection::vec(any::<u8>(), 0..64), flip in any::<usize>()) {
        let headers = [("x-sdk-date".to_string(), "20260101T000000Z".to_string())];
        let sign = |b: &[u8]| Signable { method: "POST", path: "/v5/p/common/task", query: &[], headers: &headers,
            payload_hash: &hex_sha256(b) }.authorization("AK", &Secret::new("SK"), "20260101T000000Z");
        let original = sign(&body);
        prop_assert_eq!(&original, &sign(&body));
        if !body.is_empty() {
            let mut changed = body.clone();
            changed[flip % body.len()] ^= 1;
            prop_assert_ne!(original, sign(&changed));
        }
    }
}
