//! "Did you mean" hints for a mistyped name.

/// The closest known name, for "did you mean" hints.
pub fn suggest<'a>(wrong: &str, known: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = known.collect();
    let best = all
        .iter()
        .map(|k| {
            (
                edit_distance(&wrong.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .min();
    match best {
        Some((d, k)) if d <= wrong.len().max(3) / 2 => {
            format!("did you mean {k}? (known: {})", all.join(", "))
        }
        _ => all.join(", "),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
