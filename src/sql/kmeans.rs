//! The statements of a kmeans segmentation (`engine/kmeans.rs` runs them):
//! its points, standardised; k-means++ seeding, one statement per centre,
//! each point's draw a hash of the seed, the round and its key; Lloyd's
//! iterations (assign every point to its nearest centre, move each centre
//! to the mean of its points, measure how far they moved); and the final
//! table of each customer's cluster, numbered by the centroids' first
//! input, lowest first. All of it in temporary tables of the run's
//! transaction.
//!
//! Distances to the k centres are k columns of one row per point (the
//! centres pivoted into one row and cross-joined), so no step groups the
//! points by anything but their cluster.

use super::compute::{self, Layout};
use super::dialect::Dialect;
use super::outputs::create_table_as;
use super::quote;
use super::tree::{Body, Expr, Item, Query, Relation, Select, col};
use crate::semantic::ir::{Kmeans, Program, cluster_column};

/// The sum of the squared moves of the centres (in standard deviations)
/// under which the centres have settled (scikit-learn's default `tol` on
/// standardised data).
pub const TOLERANCE: f64 = 1e-4;
/// The most Lloyd iterations a run makes (scikit-learn's default).
pub const MAX_ITERATIONS: usize = 300;

/// The names of one kmeans segmentation's tables and columns.
pub struct KmeansSql<'p> {
    pub kmeans: &'p Kmeans,
    pub name: String,
    dialect: &'p dyn Dialect,
}

const KEY: &str = "seg$key";

impl<'p> KmeansSql<'p> {
    pub fn new(p: &'p Program, kmeans: &'p Kmeans, dialect: &'p dyn Dialect) -> Self {
        KmeansSql {
            kmeans,
            name: p.nodes[kmeans.node].name.clone(),
            dialect,
        }
    }

    fn table(&self, part: &str) -> String {
        quote::identifier(&format!("seg$kmeans:{}:{part}", self.name))
    }

    /// The table a run's derived steps join: each clustered customer's
    /// cluster number, as text.
    pub fn labels_table(&self) -> String {
        format!("seg$kmeans:{}", self.name)
    }

    /// The labels table's key column.
    pub fn labels_key(&self) -> String {
        format!("seg$clustered:{}", self.name)
    }

    fn inputs(&self) -> usize {
        self.kmeans.inputs.len()
    }

    fn z(j: usize) -> String {
        quote::identifier(&format!("z{}", j + 1))
    }

    /// The customers with every input (and no negative one under `log`),
    /// their inputs as doubles (`ln(1 + x)` under `log`): the input
    /// definitions are computed by the steps of the rules up to the
    /// segmentation (`prefix`), over the base.
    pub fn raw(&self, p: &Program, layout: &Layout) -> String {
        let prefix = prefix(p, self.kmeans.node);
        let mut ctes = Vec::new();
        let last = compute::definition_steps(&prefix, layout, compute::Ranks::Windows, &mut ctes);
        let mut items = vec![Item::named(col(&p.customers.key), KEY)];
        let mut filters = Vec::new();
        for (j, (_, input)) in self.kmeans.inputs.iter().enumerate() {
            let value = Expr::Cast(
                Box::new(compute::lower_value(&prefix, layout, input)),
                "DOUBLE",
            );
            filters.push(Expr::IsNull {
                expr: Box::new(value.clone()),
                negated: true,
            });
            let value = if self.kmeans.log[j] {
                filters.push(Expr::Binary(
                    Box::new(value.clone()),
                    super::tree::Op::Ge,
                    Box::new(Expr::Number("0".into())),
                ));
                super::tree::call(
                    "ln",
                    vec![Expr::Binary(
                        Box::new(Expr::Number("1".into())),
                        super::tree::Op::Add,
                        Box::new(value),
                    )],
                )
            } else {
                value
            };
            items.push(Item::named(value, &format!("x{}", j + 1)));
        }
        let query = Query {
            ctes,
            body: Body::Select(Select {
                items,
                from: Some((Relation::Named(last), None)),
                filter: super::tree::all(filters),
                ..Select::default()
            }),
            order_by: Vec::new(),
        };
        create_table_as(
            self.dialect,
            &format!("seg$kmeans:{}:raw", self.name),
            true,
            &query,
        )
    }

    /// Each input's mean and (population) standard deviation, and how many
    /// customers are clustered.
    pub fn scale(&self) -> String {
        let mut items = Vec::new();
        for j in 1..=self.inputs() {
            items.push(format!(
                "avg(\"x{j}\") AS \"m{j}\", stddev_pop(\"x{j}\") AS \"s{j}\""
            ));
        }
        format!(
            "CREATE OR REPLACE TEMP TABLE {} AS SELECT {}, count(*) AS \"n\" FROM {}",
            self.table("scale"),
            items.join(", "),
            self.table("raw"),
        )
    }

    /// The points: z-scores (an input that never varies is 0 for all), and
    /// a hash of each key to draw the seeds from.
    pub fn points(&self) -> String {
        let mut items = vec![quote::identifier(KEY)];
        for j in 1..=self.inputs() {
            items.push(format!(
                "CASE WHEN s.\"s{j}\" > 0 THEN (r.\"x{j}\" - s.\"m{j}\") / s.\"s{j}\" ELSE 0 END AS {}",
                Self::z(j - 1)
            ));
        }
        format!(
            "CREATE OR REPLACE TEMP TABLE {} AS SELECT {} FROM {} AS r, {} AS s",
            self.table("points"),
            items.join(", "),
            self.table("raw"),
            self.table("scale"),
        )
    }

    /// An empty table of centres (cluster `c`, its coordinates, its size).
    pub fn no_centres(&self) -> String {
        let zs: Vec<String> = (0..self.inputs())
            .map(|j| format!("{} DOUBLE", Self::z(j)))
            .collect();
        format!(
            "CREATE OR REPLACE TEMP TABLE {} (\"c\" INTEGER, {}, \"n\" BIGINT)",
            self.table("centres"),
            zs.join(", ")
        )
    }

    /// The centres as one row: `c1_z1, c1_z2, ..., ck_zn`.
    fn pivot(&self, centres: usize) -> String {
        let mut items = Vec::new();
        for c in 1..=centres {
            for j in 0..self.inputs() {
                items.push(format!(
                    "max({}) FILTER (WHERE \"c\" = {c}) AS \"c{c}_z{}\"",
                    Self::z(j),
                    j + 1
                ));
            }
        }
        format!(
            "(SELECT {} FROM {})",
            items.join(", "),
            self.table("centres")
        )
    }

    /// The squared distance of a point to centre `c`.
    fn distance(&self, c: usize) -> String {
        let terms: Vec<String> = (0..self.inputs())
            .map(|j| {
                format!(
                    "(p.{} - w.\"c{c}_z{}\") * (p.{} - w.\"c{c}_z{}\")",
                    Self::z(j),
                    j + 1,
                    Self::z(j),
                    j + 1
                )
            })
            .collect();
        terms.join(" + ")
    }

    /// k-means++: centre `round` (from 1) is the point whose draw, scaled
    /// by its squared distance to the nearest centre so far, comes first
    /// (an exponential race: each point wins with a chance proportional to
    /// that distance). The first is the point with the smallest draw.
    pub fn seed(&self, round: usize) -> String {
        let zs: Vec<String> = (0..self.inputs())
            .map(|j| format!("p.{}", Self::z(j)))
            .collect();
        let draw = self.dialect.unit_hash(&format!(
            "{} || {}",
            quote::string(&format!("{}:{round}:", self.kmeans.seed)),
            format!("CAST(p.{} AS VARCHAR)", quote::identifier(KEY))
        ));
        let (from, order) = if round == 1 {
            (
                format!("{} AS p", self.table("points")),
                format!("{draw}, p.{}", quote::identifier(KEY)),
            )
        } else {
            let nearest: Vec<String> = (1..round).map(|c| self.distance(c)).collect();
            let nearest = if nearest.len() == 1 {
                nearest[0].clone()
            } else {
                format!("least({})", nearest.join(", "))
            };
            (
                format!(
                    "{} AS p, {} AS w",
                    self.table("points"),
                    self.pivot(round - 1)
                ),
                format!(
                    "CASE WHEN ({nearest}) > 0 THEN -ln({draw}) / ({nearest}) END NULLS LAST, {draw}, p.{}",
                    quote::identifier(KEY)
                ),
            )
        };
        format!(
            "INSERT INTO {} SELECT {round}, {}, 0 FROM {from} ORDER BY {order} LIMIT 1",
            self.table("centres"),
            zs.join(", "),
        )
    }

    /// Every point with its nearest centre `"c"` (ties to the lower
    /// number) and its squared distance `"d"` to it.
    fn assigned(&self) -> String {
        let k = self.kmeans.k;
        let ds: Vec<String> = (1..=k)
            .map(|c| format!("{} AS \"d{c}\"", self.distance(c)))
            .collect();
        let names: Vec<String> = (1..=k).map(|c| format!("\"d{c}\"")).collect();
        let pick: Vec<String> = (1..=k)
            .map(|c| format!("WHEN \"d{c}\" = \"d\" THEN {c}"))
            .collect();
        let zs: Vec<String> = (0..self.inputs()).map(Self::z).collect();
        format!(
            "(SELECT {key}, {zs}, \"d\", CASE {pick} END AS \"c\" FROM \
             (SELECT *, least({names}) AS \"d\" FROM \
             (SELECT p.{key}, {pzs}, {ds} FROM {points} AS p, {pivot} AS w)))",
            key = quote::identifier(KEY),
            zs = zs.join(", "),
            pick = pick.join(" "),
            names = names.join(", "),
            pzs = zs
                .iter()
                .map(|z| format!("p.{z}"))
                .collect::<Vec<_>>()
                .join(", "),
            ds = ds.join(", "),
            points = self.table("points"),
            pivot = self.pivot(k),
        )
    }

    /// One Lloyd step: the mean of each centre's points.
    pub fn step(&self) -> String {
        let means: Vec<String> = (0..self.inputs())
            .map(|j| format!("avg({0}) AS {0}", Self::z(j)))
            .collect();
        format!(
            "CREATE OR REPLACE TEMP TABLE {} AS SELECT \"c\", {}, count(*) AS \"n\" FROM {} GROUP BY \"c\"",
            self.table("next"),
            means.join(", "),
            self.assigned(),
        )
    }

    /// How far the centres moved in the step: the sum of their squared moves.
    pub fn movement(&self) -> String {
        let terms: Vec<String> = (0..self.inputs())
            .map(|j| format!("(o.{0} - n.{0}) * (o.{0} - n.{0})", Self::z(j)))
            .collect();
        format!(
            "SELECT coalesce(sum({}), 0) FROM {} AS o JOIN {} AS n ON o.\"c\" = n.\"c\"",
            terms.join(" + "),
            self.table("centres"),
            self.table("next"),
        )
    }

    /// The centres after the step (a centre that lost every point stays).
    pub fn moved(&self) -> String {
        let zs: Vec<String> = (0..self.inputs())
            .map(|j| format!("coalesce(n.{0}, o.{0}) AS {0}", Self::z(j)))
            .collect();
        format!(
            "CREATE OR REPLACE TEMP TABLE {0} AS SELECT o.\"c\", {1}, coalesce(n.\"n\", 0) AS \"n\" \
             FROM {0} AS o LEFT JOIN {2} AS n ON o.\"c\" = n.\"c\" ORDER BY o.\"c\"",
            self.table("centres"),
            zs.join(", "),
            self.table("next"),
        )
    }

    /// The clusters' numbers: the centres ordered by their first input,
    /// then the next ones (then their seeding order).
    fn numbered(&self) -> String {
        let mut order: Vec<String> = (0..self.inputs()).map(Self::z).collect();
        order.push("\"c\"".into());
        format!(
            "(SELECT \"c\", row_number() OVER (ORDER BY {}) AS \"label\" FROM {})",
            order.join(", "),
            self.table("centres")
        )
    }

    /// Each clustered customer's cluster number (as text, the label) and
    /// squared distance to its centre.
    pub fn labels(&self) -> String {
        format!(
            "CREATE OR REPLACE TEMP TABLE {} AS SELECT a.{} AS {}, CAST(l.\"label\" AS VARCHAR) AS {}, a.\"d\" AS \"seg$distance\" \
             FROM {} AS a JOIN {} AS l ON a.\"c\" = l.\"c\" ORDER BY 1",
            quote::identifier(&self.labels_table()),
            quote::identifier(KEY),
            quote::identifier(&self.labels_key()),
            quote::identifier(&cluster_column(&self.name)),
            self.assigned(),
            self.numbered(),
        )
    }

    /// For the run log, per cluster in number order: its number, size, sum
    /// of squared distances, and centroid in standard deviations.
    pub fn report(&self) -> String {
        let zs: Vec<String> = (0..self.inputs())
            .map(|j| format!("o.{}", Self::z(j)))
            .collect();
        format!(
            "SELECT l.\"label\", coalesce(s.\"n\", 0), coalesce(s.\"d\", 0), {} FROM {} AS l \
             JOIN {} AS o ON o.\"c\" = l.\"c\" LEFT JOIN \
             (SELECT {} AS \"label\", count(*) AS \"n\", sum(\"seg$distance\") AS \"d\" FROM {} GROUP BY 1) AS s \
             ON CAST(l.\"label\" AS VARCHAR) = s.\"label\" ORDER BY l.\"label\"",
            zs.join(", "),
            self.numbered(),
            self.table("centres"),
            quote::identifier(&cluster_column(&self.name)),
            quote::identifier(&self.labels_table()),
        )
    }

    /// The means and standard deviations of `scale`, in input order, and
    /// the number of points.
    pub fn read_scale(&self) -> String {
        let items: Vec<String> = (1..=self.inputs())
            .map(|j| format!("\"m{j}\", \"s{j}\""))
            .collect();
        format!(
            "SELECT {}, \"n\" FROM {}",
            items.join(", "),
            self.table("scale")
        )
    }

    /// Drops the working tables (the labels stay for the derived steps).
    pub fn clean_up(&self) -> String {
        ["raw", "scale", "points", "centres", "next"]
            .iter()
            .map(|t| format!("DROP TABLE IF EXISTS {};", self.table(t)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The program up to (not including) node `upto`: nodes come after
/// everything they use, so the prefix holds every definition the kmeans
/// inputs need, and nothing that reads the clusters.
fn prefix(p: &Program, upto: usize) -> Program {
    let mut prefix = p.clone();
    prefix.nodes.truncate(upto);
    prefix.clusters.retain(|k| k.node < upto);
    prefix.examples.clear();
    prefix.expectations.clear();
    prefix
}
