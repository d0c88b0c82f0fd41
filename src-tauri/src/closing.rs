//! The window's close button, held until the window has stored what is being typed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window's close button: the window is asked first (it stores what is being typed, or
/// asks the teacher), and closes when it says so. A window that does not answer — its page
/// never loaded, or hangs — is closed by the next request, a few seconds later.
#[derive(Default)]
pub struct Closing {
    allowed: AtomicBool,
    /// When the window was last asked, and whether it answered that it heard.
    asked: Mutex<Option<(Instant, bool)>>,
}

impl Closing {
    /// How long an unanswered request keeps the window open against the next one.
    const DEAF: Duration = Duration::from_secs(3);

    /// Whether a close request may close the window now; `false` means: ask the window.
    pub fn may_close(&self, now: Instant) -> bool {
        if self.allowed.load(Ordering::SeqCst) {
            return true;
        }
        let mut asked = self.asked.lock().unwrap_or_else(|p| p.into_inner());
        match *asked {
            Some((at, false)) if now.duration_since(at) >= Self::DEAF => true,
            // Still waiting for the window to say it heard: ask again, keep the first time.
            Some((_, false)) => false,
            _ => {
                *asked = Some((now, false));
                false
            }
        }
    }

    /// The window heard the request (it is storing, or asking the teacher).
    pub fn seen(&self) {
        let mut asked = self.asked.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, heard)) = asked.as_mut() {
            *heard = true;
        }
    }

    /// The window said: close.
    pub fn allow(&self) {
        self.allowed.store(true, Ordering::SeqCst);
    }
}
