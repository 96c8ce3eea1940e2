//! The best hits by score, equal scores in id order, for a page whose edge falls among
//! equal scores. Only hits scoring at least the page's lowest score can be on it, so
//! tantivy's block-max pruning (`Weight::for_each_pruning`) skips every block that
//! cannot reach that score: the cost of a top-k query, not of scoring every match as
//! tantivy's sort by score then by a string column does (with the pruning off). On
//! 1,000,000 records whose texts repeat (ties everywhere), a one-term search took
//! 10.5 ms with that sort and 7.2 ms with this. Run as the only pass (its threshold
//! just under the lowest score so far, so that ties are seen) it took 9.3 ms: ties at
//! every level the threshold passes through are then visited, not only at the last.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Mutex;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// The `k` best hits among those scoring at least `floor` (and some just below it:
/// they sort after and change nothing), by score, then id, then address.
pub(crate) struct BestById {
    pub floor: Score,
    pub k: usize,
    /// The string fast column holding each document's id.
    pub id_column: &'static str,
}

/// One hit of a segment: worse hits order greater, so that a max-heap's top is the
/// first to drop. Within a segment, term ordinals order as the ids do.
#[derive(Debug, Clone, Copy)]
struct Key {
    score: Score,
    ord: u64,
    doc: DocId,
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.ord.cmp(&other.ord))
            .then(self.doc.cmp(&other.doc))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

pub(crate) struct BestByIdSegment {
    k: usize,
    segment: SegmentOrdinal,
    ids: Option<StrColumn>,
    heap: BinaryHeap<Key>,
}

impl SegmentCollector for BestByIdSegment {
    type Fruit = Vec<(Score, String, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let ord = self
            .ids
            .as_ref()
            .and_then(|ids| ids.ords().first(doc))
            .unwrap_or(u64::MAX);
        let key = Key { score, ord, doc };
        if self.heap.len() < self.k {
            self.heap.push(key);
        } else if self.heap.peek().is_some_and(|worst| key < *worst) {
            self.heap.pop();
            self.heap.push(key);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut id = String::new();
        self.heap
            .into_iter()
            .map(|key| {
                id.clear();
                if let Some(ids) = &self.ids {
                    // An unreadable id sorts as the empty string: the order stays total.
                    let _ = ids.ord_to_str(key.ord, &mut id);
                }
                (
                    key.score,
                    id.clone(),
                    DocAddress::new(self.segment, key.doc),
                )
            })
            .collect()
    }
}

impl Collector for BestById {
    type Fruit = Vec<(Score, String, DocAddress)>;
    type Child = BestByIdSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<BestByIdSegment> {
        Ok(BestByIdSegment {
            k: self.k,
            segment,
            ids: reader.fast_fields().str(self.id_column)?,
            heap: BinaryHeap::with_capacity(self.k.min(1 << 16)),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Self::Fruit = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.1.cmp(&b.1))
                .then_with(|| a.2.cmp(&b.2))
        });
        all.truncate(self.k);
        Ok(all)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        let mut child = self.for_segment(segment, reader)?;
        if self.k == 0 {
            return Ok(Vec::new());
        }
        // A margin below the floor: scores summed in another order may differ in the
        // last bits; hits below the floor sort after the page and change nothing.
        let threshold = self.floor - self.floor.abs() * 1e-4 - f32::EPSILON;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(threshold, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                child.collect(doc, score);
            }
            threshold
        })?;
        Ok(child.harvest())
    }
}

/// The `k` best hits by score (equal scores: the lower address first), as tantivy's
/// top-k by score finds them, with one difference: each segment's block-max pruning
/// starts from the k-th best score of the segments searched before it, where tantivy
/// starts every segment from nothing and scores its way to a threshold again (most of
/// the work of a one-term search over tens of segments).
pub(crate) struct TopScores {
    pub k: usize,
    /// The best scores of the segments searched so far, best first, at most `k`.
    best: Mutex<Vec<Score>>,
}

impl TopScores {
    pub fn new(k: usize) -> TopScores {
        TopScores {
            k,
            best: Mutex::new(Vec::new()),
        }
    }

    /// Hits must score above this to be among the best `k`.
    fn threshold(&self) -> Score {
        let best = self.best.lock().unwrap_or_else(|e| e.into_inner());
        match best.len() {
            n if n >= self.k && n > 0 => best[n - 1],
            _ => Score::MIN,
        }
    }

    fn add(&self, scores: impl Iterator<Item = Score>) {
        let mut best = self.best.lock().unwrap_or_else(|e| e.into_inner());
        best.extend(scores);
        best.sort_by(|a, b| b.total_cmp(a));
        best.truncate(self.k);
    }
}

/// A hit of one segment: the better hit orders greater (higher score, then lower doc),
/// so that a min-heap's top is the first to drop.
#[derive(Clone, Copy)]
struct Hit(Score, DocId);

impl Ord for Hit {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(other.1.cmp(&self.1))
    }
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Hit {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Hit {}

/// Unused: `TopScores` collects a segment whole in `collect_segment`.
pub(crate) struct TopScoresSegment;

impl SegmentCollector for TopScoresSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, _: DocId, _: Score) {}

    fn harvest(self) -> Self::Fruit {
        Vec::new()
    }
}

impl Collector for TopScores {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = TopScoresSegment;

    fn for_segment(&self, _: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(TopScoresSegment)
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Self::Fruit = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        all.truncate(self.k);
        Ok(all)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Fruit> {
        if self.k == 0 {
            return Ok(Vec::new());
        }
        let start = self.threshold();
        let mut threshold = start;
        let mut heap: BinaryHeap<Reverse<Hit>> = BinaryHeap::with_capacity(self.k.min(1 << 16));
        let alive = reader.alive_bitset();
        weight.for_each_pruning(start, reader, &mut |doc, score| {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let hit = Hit(score, doc);
                if heap.len() < self.k {
                    heap.push(Reverse(hit));
                } else if heap.peek().is_some_and(|Reverse(worst)| hit > *worst) {
                    heap.pop();
                    heap.push(Reverse(hit));
                }
                if heap.len() == self.k {
                    if let Some(Reverse(worst)) = heap.peek() {
                        threshold = threshold.max(worst.0);
                    }
                }
            }
            threshold
        })?;
        self.add(heap.iter().map(|Reverse(hit)| hit.0));
        Ok(heap
            .into_iter()
            .map(|Reverse(Hit(score, doc))| (score, DocAddress::new(segment, doc)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::QueryParser;
    use tantivy::schema::{Schema, FAST, STRING, TEXT};
    use tantivy::{doc, Index, IndexWriter, Term};

    /// Against the whole ranking sorted by hand: documents in several segments (some
    /// deleted), whose texts repeat so that many scores are equal, for every page.
    /// 300 documents in several segments, some deleted, whose five texts repeat so
    /// that many scores are equal; ids out of insertion order, in several scripts.
    fn tied_index() -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING | FAST);
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let texts = [
            "oil",
            "oil oil price",
            "oil price",
            "price",
            "oil tanker oil",
        ];
        for n in 0..300u32 {
            // Ids out of insertion order, in several scripts: the order is the string's.
            let name = format!(
                "{}{}",
                ["b", "a", "é", "日"][(n % 4) as usize],
                (n * 7919) % 1000
            );
            writer
                .add_document(doc!(id => name, body => texts[(n % 5) as usize]))
                .unwrap();
            if n % 60 == 59 {
                writer.commit().unwrap();
            }
        }
        writer.delete_term(Term::from_field_text(id, "a1"));
        writer.delete_term(Term::from_field_text(id, "b0"));
        writer.commit().unwrap();
        (index, body)
    }

    #[test]
    fn the_best_hits_by_score_then_id_whatever_the_segments() {
        let (index, body) = tied_index();
        let reader = index.reader().unwrap();
        let searcher = reader.searcher();
        assert!(searcher.segment_readers().len() >= 4);
        for text in ["oil", "price", "oil price", "tanker"] {
            let query = QueryParser::for_index(&index, vec![body])
                .parse_query(text)
                .unwrap();
            let all = searcher
                .search(&query, &TopDocs::with_limit(10_000).order_by_score())
                .unwrap();
            let mut expected: Vec<(Score, String)> = all
                .iter()
                .map(|(score, address)| {
                    let ids = searcher.segment_reader(address.segment_ord).fast_fields();
                    let column = ids.str("id").unwrap().unwrap();
                    let ord = column.ords().first(address.doc_id).unwrap();
                    let mut s = String::new();
                    column.ord_to_str(ord, &mut s).unwrap();
                    (*score, s)
                })
                .collect();
            expected.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            assert!(
                expected.windows(2).any(|w| w[0].0 == w[1].0),
                "{text}: no ties"
            );
            for end in [1, 2, 7, 40, 59, 60, 61, expected.len(), expected.len() + 3] {
                let floor = expected[end.min(expected.len()) - 1].0;
                let best = BestById {
                    floor,
                    k: end,
                    id_column: "id",
                };
                let got: Vec<(Score, String)> = searcher
                    .search(&query, &best)
                    .unwrap()
                    .into_iter()
                    .map(|(score, id, _)| (score, id))
                    .collect();
                let want = &expected[..end.min(expected.len())];
                assert_eq!(got, want, "{text}, the best {end}");
            }
        }
    }

    /// The threshold carried from segment to segment finds the hits tantivy's top-k by
    /// score finds, in the same order, for every k: with ties everywhere, deletes, and
    /// several segments.
    #[test]
    fn carrying_the_threshold_finds_what_tantivy_finds() {
        let (tied, tied_body) = tied_index();
        // Texts of many lengths and word counts: scores close together, some equal.
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let varied = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = varied.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["oil", "price", "tanker", "sea", "port", "crude", "ship"];
        for n in 0..1000usize {
            let text: Vec<&str> = (0..1 + (n * 7) % 97)
                .map(|i| words[(n * 31 + i * i * 17 + i * n) % words.len()])
                .collect();
            writer.add_document(doc!(body => text.join(" "))).unwrap();
            if n % 170 == 169 {
                writer.commit().unwrap();
            }
        }
        writer.delete_term(Term::from_field_text(body, "ship"));
        writer.commit().unwrap();
        for (index, body) in [(tied, tied_body), (varied, body)] {
            check_against_tantivy(&index, body);
        }
    }

    fn check_against_tantivy(index: &Index, body: tantivy::schema::Field) {
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() >= 4);
        for text in [
            "oil",
            "price",
            "oil price",
            "tanker",
            "oil OR tanker",
            "nothing",
        ] {
            let query = QueryParser::for_index(index, vec![body])
                .parse_query(text)
                .unwrap();
            for k in [0, 1, 2, 5, 11, 59, 60, 61, 250, 400] {
                let want = searcher
                    .search(&query, &TopDocs::with_limit(k.max(1)).order_by_score())
                    .unwrap();
                let got = searcher.search(&query, &TopScores::new(k)).unwrap();
                let want = if k == 0 { Vec::new() } else { want };
                assert_eq!(got, want, "{text}, the best {k}");
            }
        }
    }
}
