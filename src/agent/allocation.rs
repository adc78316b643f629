//! The agent's large buffers (the replay ring, its frames and priorities) allocated without aborting: an allocation
//! the system refuses becomes an error, so that the run fails on its own and the batch goes on.

/// A buffer the system would not give.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot allocate {what}: {elements} elements of {element_bytes} bytes")]
pub struct AllocationError {
    pub what: &'static str,
    pub elements: usize,
    pub element_bytes: usize,
}

/// `length` copies of `value`, or the error naming `what` when the memory cannot be had.
pub fn filled<T: Clone>(what: &'static str, value: T, length: usize) -> Result<Vec<T>, AllocationError> {
    let mut buffer = Vec::new();
    buffer.try_reserve_exact(length).map_err(|_| AllocationError {
        what,
        elements: length,
        element_bytes: std::mem::size_of::<T>(),
    })?;
    buffer.resize(length, value);
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_buffer_is_an_error_not_an_abort() {
        let error = filled("frames", 0u64, usize::MAX / 4).unwrap_err();
        assert_eq!(error.what, "frames");
        assert!(error.to_string().starts_with("cannot allocate frames: "));
        assert_eq!(filled("flags", true, 3).unwrap(), vec![true; 3]);
    }
}
