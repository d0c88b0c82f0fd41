//! How spelt out a request to the server goes, and what to do when the server cannot read it.
//!
//! A device sends each request as short as it can ([`Spelling::Folded`]): ids as numbers of the
//! roster [`Dictionary`], the server's changes by 4-byte hash prefixes, and the documents it
//! offers nothing of folded into one digest. Should the server not read it so, the device sends
//! the same request again spelt out further — without the dictionary
//! ([`ErrorCode::UnknownDictionary`]: the server's class lists differ from the device's), or a
//! step down the ladder ([`ErrorCode::UnknownReference`]: the folded documents match neither
//! the server's heads nor those at the ledger mark sent, or a hash prefix finds nothing):
//! [`Spelling::Listed`] (every document listed), then [`Spelling::Full`] (every hash and id in
//! full, which the server always reads). The rest of the sync keeps that form, and a sync whose
//! answer comes in several rounds lists its documents from the second round on (the server
//! holds documents the device has not received yet, so a fold would be refused).
//!
//! Every step spells the request out strictly further, so one request is sent at most three
//! times more; a refusal of any other kind, or one of these to a request in full, is final.

use crate::dictionary::Dictionary;
use crate::protocol::ErrorCode;
use crate::wire::Shorthand;

/// How far a request is spelt out, shortest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Spelling {
    /// Short hashes, and the documents with nothing to send folded into one digest.
    Folded,
    /// Short hashes, every document listed.
    Listed,
    /// Everything in full, without the dictionary.
    Full,
}

/// The form the next request goes in; [`Ladder::refused`] moves it on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ladder {
    spelling: Spelling,
    /// Off once the server says its class lists differ from this device's.
    dictionary: bool,
}

impl Default for Ladder {
    fn default() -> Self {
        Self::new()
    }
}

impl Ladder {
    /// The first request of a sync: as short as it goes.
    pub fn new() -> Self {
        Ladder {
            spelling: Spelling::Folded,
            dictionary: true,
        }
    }

    pub fn spelling(&self) -> Spelling {
        self.spelling
    }

    /// Whether the next request is coded with the roster dictionary (when the device has one):
    /// the caller builds it only then.
    pub fn wants_dictionary(&self) -> bool {
        self.dictionary && self.spelling < Spelling::Full
    }

    /// The encoder's options for the next request, given the device's dictionary.
    pub fn shorthand<'a>(&self, dict: Option<&'a Dictionary>) -> Shorthand<'a> {
        Shorthand {
            dict: dict.filter(|_| self.wants_dictionary()),
            short_hashes: self.spelling < Spelling::Full,
            fold_unchanged: self.spelling == Spelling::Folded,
        }
    }

    /// The server refused the request with `code`. `true`: send the same request again, in the
    /// form [`shorthand`](Self::shorthand) now gives; `false`: the refusal is final (it is not
    /// about the spelling, or the request was already in full).
    pub fn refused(&mut self, code: ErrorCode) -> bool {
        if self.spelling == Spelling::Full {
            return false;
        }
        match code {
            ErrorCode::UnknownDictionary if self.dictionary => {
                self.dictionary = false;
                true
            }
            ErrorCode::UnknownReference => {
                self.spelling = match self.spelling {
                    Spelling::Folded => Spelling::Listed,
                    _ => Spelling::Full,
                };
                true
            }
            _ => false,
        }
    }

    /// A round was answered and the server has more: the next rounds list their documents.
    pub fn more(&mut self) {
        self.spelling = self.spelling.max(Spelling::Listed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code() -> impl Strategy<Value = ErrorCode> {
        prop_oneof![
            Just(ErrorCode::UnknownDictionary),
            Just(ErrorCode::UnknownReference),
            Just(ErrorCode::ReadOnly),
            Just(ErrorCode::BadRequest),
            Just(ErrorCode::Unauthorized),
        ]
    }

    /// How much a form leaves out: every resend must leave out strictly less.
    fn shortness(l: &Ladder) -> (u8, u8) {
        let s = match l.spelling {
            Spelling::Folded => 2,
            Spelling::Listed => 1,
            Spelling::Full => 0,
        };
        (s, u8::from(l.wants_dictionary()))
    }

    #[test]
    fn down_the_ladder_one_refusal_at_a_time() {
        let mut l = Ladder::new();
        let s = l.shorthand(None);
        assert!(s.short_hashes && s.fold_unchanged);
        assert!(l.refused(ErrorCode::UnknownDictionary));
        assert!(!l.wants_dictionary() && l.spelling() == Spelling::Folded);
        assert!(
            !l.refused(ErrorCode::UnknownDictionary),
            "the dictionary is gone already: the same refusal again is final"
        );
        assert!(l.refused(ErrorCode::UnknownReference));
        assert_eq!(l.spelling(), Spelling::Listed);
        let s = l.shorthand(None);
        assert!(s.short_hashes && !s.fold_unchanged);
        assert!(l.refused(ErrorCode::UnknownReference));
        let s = l.shorthand(None);
        assert!(!s.short_hashes && !s.fold_unchanged && s.dict.is_none());
        assert!(
            !l.refused(ErrorCode::UnknownReference),
            "a request in full is final"
        );
    }

    #[test]
    fn a_download_in_several_rounds_lists_from_the_second_round_and_keeps_the_dictionary() {
        let mut l = Ladder::new();
        l.more();
        assert_eq!(l.spelling(), Spelling::Listed);
        assert!(l.wants_dictionary());
        assert!(l.refused(ErrorCode::UnknownReference));
        l.more();
        assert_eq!(l.spelling(), Spelling::Full, "more never spells shorter");
    }

    proptest! {
        /// Whatever the server answers, a request is sent again at most three times, each time
        /// spelt out strictly further, and other refusals change nothing.
        #[test]
        fn resends_are_few_and_each_spells_out_further(codes in prop::collection::vec(code(), 0..20)) {
            let mut l = Ladder::new();
            let mut resent = 0;
            for c in codes {
                let before = l;
                if l.refused(c) {
                    resent += 1;
                    prop_assert!(shortness(&l) < shortness(&before), "{before:?} → {l:?}");
                } else {
                    prop_assert_eq!(l, before);
                }
            }
            prop_assert!(resent <= 3);
        }
    }
}
