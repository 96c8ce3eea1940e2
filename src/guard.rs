//! A parser that panics fails its file, never the batch: every file is read inside
//! [`catch`], which turns a panic into an error message (and keeps the panic's default
//! report, a backtrace hint on stderr, from interrupting the run's own messages).

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs guarded code.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// The last guarded panic's message and place.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Installs, once per process, a panic hook that records guarded panics quietly and
/// hands every other panic to the hook that was there before.
fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_string());
                // The crate and file, not the whole path of the registry it is in.
                let place = info
                    .location()
                    .map(|l| {
                        let file = l.file();
                        let short = file
                            .rfind("/src/")
                            .and_then(|i| file[..i].rfind('/').map(|j| &file[j + 1..]))
                            .unwrap_or(file);
                        format!(" at {short}:{}", l.line())
                    })
                    .unwrap_or_default();
                LAST.with(|last| *last.borrow_mut() = Some(format!("{message}{place}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic in it becomes `Err(message)`. Under the fuzzer (`cfg(fuzzing)`)
/// panics go through, so that it sees them.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    if cfg!(fuzzing) {
        return Ok(f());
    }
    install_hook();
    let was = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| {
        LAST.with(|last| last.borrow_mut().take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

/// A test hook, in debug builds only: a file whose first bytes hold the text of the
/// `TROVE_TEST_PANIC` environment variable makes its parser panic, so tests can check
/// that a panicking parser fails its file and not the batch.
#[cfg(debug_assertions)]
pub fn injected_panic(head: &[u8]) {
    if let Some(marker) = std::env::var_os("TROVE_TEST_PANIC") {
        let marker = marker.as_encoded_bytes();
        if !marker.is_empty() && head.windows(marker.len()).any(|w| w == marker) {
            panic!("injected test panic (TROVE_TEST_PANIC)");
        }
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn injected_panic(_head: &[u8]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors() {
        assert_eq!(catch(|| 1 + 1), Ok(2));
        let err = catch(|| -> u8 { panic!("byte index 7 is out of bounds") }).unwrap_err();
        assert!(
            err.starts_with("byte index 7 is out of bounds at "),
            "{err}"
        );
        assert!(err.contains("guard.rs"), "{err}");
        let err = catch(|| -> u8 { panic!("{}", String::from("owned")) }).unwrap_err();
        assert!(err.starts_with("owned"), "{err}");
        // Nested guards restore the outer state.
        assert_eq!(catch(|| catch(|| 3)), Ok(Ok(3)));
    }
}
