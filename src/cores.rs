//! Work spread over the machine's cores: the releases of a large rendered stream are
//! independent, and reading them one after another left all but one core idle.

/// How many threads to spread work over: the cores this process may use, at most 8.
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// `f` of each item, in their order, the items cut into one run per core. Small inputs are
/// mapped on this thread: starting threads would cost more than it saves.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    const ALONE: usize = 64;
    let cores = available();
    if cores < 2 || items.len() < ALONE {
        return items.iter().map(f).collect();
    }
    let f = &f;
    let mut runs = items.chunks(items.len().div_ceil(cores));
    let first = runs.next().unwrap_or_default();
    std::thread::scope(|scope| {
        // This thread maps the first run while the others are mapped on threads of their own.
        let others: Vec<_> = runs
            .map(|run| scope.spawn(move || run.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut all: Vec<R> = first.iter().map(f).collect();
        for run in others {
            all.extend(run.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn map_keeps_the_order_of_its_items() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = super::map(&items, |i| i * 2);
        assert_eq!(doubled, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(super::map(&items[..3], |i| i + 1), [1, 2, 3]);
    }
}
