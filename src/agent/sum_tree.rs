//! The sum-tree behind prioritized replay: leaf `i` holds transition `i`'s priority, every inner node the sum of its
//! two children, so updating a priority and finding the leaf at a given prefix sum are both O(log n).

use crate::agent::allocation::{filled, AllocationError};

/// A complete binary tree over `capacity` leaves, stored as an array: node 1 is the root, node `k` has children
/// `2k` and `2k + 1`, and the leaves are nodes `leaf_count..2·leaf_count` (`leaf_count` the next power of two).
#[derive(Debug, Clone)]
pub struct SumTree {
    leaf_count: usize,
    capacity: usize,
    nodes: Vec<f64>,
}

impl SumTree {
    /// A tree of `capacity` leaves, every priority 0.
    pub fn new(capacity: usize) -> Result<Self, AllocationError> {
        assert!(capacity > 0, "a sum-tree needs at least one leaf");
        let leaf_count = capacity.checked_next_power_of_two().unwrap_or(usize::MAX / 2 + 1);
        Ok(SumTree {
            leaf_count,
            capacity,
            nodes: filled("priorities", 0.0, leaf_count.saturating_mul(2))?,
        })
    }

    /// The sum of every priority.
    pub fn total(&self) -> f64 {
        self.nodes[1]
    }

    /// Leaf `index`'s priority.
    pub fn get(&self, index: usize) -> f64 {
        self.nodes[self.leaf_count + index]
    }

    /// Sets leaf `index`'s priority and recomputes the sums above it, each as the sum of its two children (so the
    /// total is exactly the tree's sum of the leaves, with no drift from adding differences).
    pub fn set(&mut self, index: usize, priority: f64) {
        assert!(
            index < self.capacity,
            "leaf {index} outside a tree of {}",
            self.capacity
        );
        assert!(
            priority >= 0.0 && priority.is_finite(),
            "priority {priority} must be finite and ≥ 0"
        );
        let mut node = self.leaf_count + index;
        self.nodes[node] = priority;
        while node > 1 {
            node /= 2;
            self.nodes[node] = self.nodes[2 * node] + self.nodes[2 * node + 1];
        }
    }

    /// The leaf whose cumulative range contains `prefix_sum`: the smallest `i` with `p_0 + … + p_i > prefix_sum`,
    /// for `prefix_sum` in `[0, total)`. Rounding can put a prefix just at the total; it then gives the last leaf
    /// with a positive priority.
    pub fn find(&self, mut prefix_sum: f64) -> usize {
        let mut node = 1;
        while node < self.leaf_count {
            let left = 2 * node;
            if prefix_sum < self.nodes[left] || self.nodes[left + 1] <= 0.0 {
                node = left;
            } else {
                prefix_sum -= self.nodes[left];
                node = left + 1;
            }
        }
        node - self.leaf_count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_exact_after_updates() {
        let mut tree = SumTree::new(5).unwrap();
        for (index, priority) in [0.5, 0.25, 1.0, 2.0, 0.125].into_iter().enumerate() {
            tree.set(index, priority);
        }
        assert_eq!(tree.total(), 3.875);
        // Changing one priority changes the total by exactly the difference.
        tree.set(2, 4.0);
        assert_eq!(tree.total(), 3.875 + 3.0);
        tree.set(4, 0.0);
        assert_eq!(tree.total(), 6.875 - 0.125);
        assert_eq!(tree.get(3), 2.0);
    }

    #[test]
    fn find_maps_prefix_sums_to_leaves() {
        let mut tree = SumTree::new(4).unwrap();
        for (index, priority) in [1.0, 0.0, 2.0, 1.0].into_iter().enumerate() {
            tree.set(index, priority);
        }
        // Cumulative ranges: leaf 0 [0, 1), leaf 1 empty, leaf 2 [1, 3), leaf 3 [3, 4).
        assert_eq!(tree.find(0.0), 0);
        assert_eq!(tree.find(0.999), 0);
        assert_eq!(tree.find(1.0), 2);
        assert_eq!(tree.find(2.5), 2);
        assert_eq!(tree.find(3.0), 3);
        assert_eq!(tree.find(3.999), 3);
        // A prefix at the total (rounding) still lands on a leaf with positive priority.
        assert_eq!(tree.find(4.0), 3);
    }

    #[test]
    fn a_single_leaf_tree_works() {
        let mut tree = SumTree::new(1).unwrap();
        tree.set(0, 0.75);
        assert_eq!(tree.total(), 0.75);
        assert_eq!(tree.find(0.5), 0);
    }
}
