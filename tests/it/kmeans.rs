//! kmeans segmentations end to end on DuckDB: the partition scikit-learn
//! finds on the same standardised data, stable cluster numbers, the run
//! log, and conditions on clusters.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::{run_rules, table};

const DATA: &str = "tests/fixtures/data/kmeans";

fn rules(extra: &str) -> String {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA);
    format!(
        "source customers from \"{}/customers.csv\" key customer_id\n\
         segmentation cluster = kmeans(3, recency, frequency, monetary) seed 7\n{extra}",
        data.display()
    )
}

/// Customers grouped by a label: the partition, as sets of ids.
fn partition(pairs: impl IntoIterator<Item = (String, String)>) -> BTreeSet<BTreeSet<String>> {
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, label) in pairs {
        groups.entry(label).or_default().insert(id);
    }
    groups.into_values().collect()
}

fn seg_clusters(db: &Path) -> Vec<(String, String)> {
    table(
        db,
        "SELECT customer_id, cluster FROM seg_customers WHERE cluster IS NOT NULL",
    )
    .lines()
    .skip(1)
    .map(|l| {
        let (id, label) = l.split_once(" | ").unwrap();
        (id.to_string(), label.to_string())
    })
    .collect()
}

#[test]
fn the_partition_is_scikit_learns() {
    // expected.csv is sklearn's KMeans(3) on the same z-scores, computed
    // once by tests/fixtures/data/kmeans/make.py.
    let expected = std::fs::read_to_string(format!("{DATA}/expected.csv")).unwrap();
    let sklearn = partition(expected.lines().skip(1).map(|l| {
        let (id, label) = l.split_once(',').unwrap();
        (id.to_string(), label.to_string())
    }));
    assert_eq!(sklearn.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let (summary, db) = run_rules(dir.path(), &rules(""));
    assert_eq!(summary.customers, 301);
    assert_eq!(partition(seg_clusters(&db)), sklearn);
}

#[test]
fn clusters_are_numbered_by_their_first_input_and_a_missing_input_gets_none() {
    // The groups were drawn around recency 20, 120 and 300 days (ids 1-100,
    // 101-200, 201-300): numbered by the centroids' recency, lowest first.
    // Customer 301 has no monetary value, so no cluster.
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run_rules(dir.path(), &rules(""));
    assert_eq!(
        table(
            &db,
            "SELECT cluster, min(customer_id) AS lo, max(customer_id) AS hi, count(*) AS n \
             FROM seg_customers GROUP BY cluster ORDER BY cluster NULLS LAST"
        ),
        "cluster | lo | hi | n\n1 | 1 | 100 | 100\n2 | 101 | 200 | 100\n3 | 201 | 300 | 100\n∅ | 301 | 301 | 1"
    );
}

#[test]
fn conditions_name_clusters_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run_rules(
        dir.path(),
        &rules("tag vip_cluster when cluster = 1\ntag lapsed when cluster in (3)\n"),
    );
    assert_eq!(
        table(
            &db,
            "SELECT tag, min(customer_id) AS lo, max(customer_id) AS hi, count(*) AS n \
             FROM seg_customer_tags GROUP BY tag ORDER BY tag"
        ),
        "tag | lo | hi | n\nlapsed | 201 | 300 | 100\nvip_cluster | 1 | 100 | 100"
    );
}

#[test]
fn the_run_log_records_centroids_sizes_iterations_and_inertia() {
    let dir = tempfile::tempdir().unwrap();
    let (summary, db) = run_rules(dir.path(), &rules(""));
    let clusters = &summary.clusters;
    assert_eq!(clusters.len(), 3);
    // Every centroid lies near the centre its group was drawn around
    // (recency 20/120/300, frequency 12/5/1, monetary 900/300/60).
    let drawn = [[20.0, 12.0, 900.0], [120.0, 5.0, 300.0], [300.0, 1.0, 60.0]];
    for (c, centre) in clusters.iter().zip(drawn) {
        assert_eq!(c.customers, 100);
        for (got, want) in c.centroid.iter().zip(centre) {
            assert!((got - want).abs() < want * 0.05 + 0.5, "{got} vs {want}");
        }
    }
    let logged = table(
        &db,
        "SELECT c.cluster, c.customers, len(c.centroid) AS inputs, c.iterations > 0 AS iterated, \
         c.inertia > 0 AS inertia FROM (SELECT unnest(clusters) AS c FROM seg_runs)",
    );
    assert_eq!(
        logged,
        "cluster | customers | inputs | iterated | inertia\n\
         1 | 100 | 3 | true | true\n2 | 100 | 3 | true | true\n3 | 100 | 3 | true | true"
    );
    // The standardised centroids average to 0 over the customers, as
    // z-scores do (each cluster weighted by its size).
    for j in 0..3 {
        let mean: f64 = clusters
            .iter()
            .map(|c| c.standardised[j] * 100.0)
            .sum::<f64>()
            / 300.0;
        assert!(mean.abs() < 1e-9, "{mean}");
    }
}

#[test]
fn the_same_rules_and_data_give_the_same_clusters_run_after_run() {
    let dir = tempfile::tempdir().unwrap();
    let (_, db) = run_rules(dir.path(), &rules(""));
    let first = seg_clusters(&db);
    let (second, _) = run_rules(dir.path(), &rules(""));
    assert_eq!(second.run_id, 2);
    assert_eq!(seg_clusters(&db), first);
}

#[test]
fn log_inputs_are_clustered_as_ln_1_plus_x() {
    // With monetary taken as ln(1 + x) the groups stay apart, and the
    // centroid is given back in the input's own units.
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join(DATA);
    let dir = tempfile::tempdir().unwrap();
    let (summary, _) = run_rules(
        dir.path(),
        &format!(
            "source customers from \"{}/customers.csv\" key customer_id\n\
             segmentation cluster = kmeans(3, recency, monetary) log monetary\n",
            data.display()
        ),
    );
    let sizes: Vec<i64> = summary.clusters.iter().map(|c| c.customers).collect();
    assert_eq!(sizes, [100, 100, 100]);
    let monetary: Vec<f64> = summary.clusters.iter().map(|c| c.centroid[1]).collect();
    // The mean of ln(1 + x), turned back: a geometric-like mean, a little
    // under the arithmetic one.
    assert!((850.0..910.0).contains(&monetary[0]), "{monetary:?}");
    assert!((55.0..65.0).contains(&monetary[2]), "{monetary:?}");
}
