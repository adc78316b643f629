//! Hot loops compiled a second time for AVX2 (eight f32 lanes where the crate's baseline x86-64 build has SSE's
//! four), picked at run time when the CPU has it. Rust never fuses a multiply and an add on its own, so a loop does
//! the same IEEE operations on each element in the same order either way: the same bits, only wider instructions.

/// `wide_vectors! { fn name(argument: Type, …) -> Output = body; }` defines `name`, which calls `body` (a function
/// with the same arguments, marked `#[inline(always)]` so that it is compiled into each caller) from a copy compiled
/// for AVX2 where the CPU has it, and from the baseline build elsewhere. What `body` calls is compiled for AVX2 too
/// where it is inlined (mark its per-element helpers `#[inline(always)]`).
///
/// A macro rather than a function taking a closure: a closure called from two places (the AVX2 copy and the
/// baseline) is not inlined into either, and its loops then stay in the baseline build.
macro_rules! wide_vectors {
    ($(#[$attribute:meta])* $visibility:vis fn $name:ident($($argument:ident: $type:ty),* $(,)?) $(-> $output:ty)? = $body:path;) => {
        $(#[$attribute])*
        $visibility fn $name($($argument: $type),*) $(-> $output)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                fn avx2($($argument: $type),*) $(-> $output)? {
                    $body($($argument),*)
                }
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2 (checked just above).
                    return unsafe { avx2($($argument),*) };
                }
            }
            $body($($argument),*)
        }
    };
}

pub(crate) use wide_vectors;
