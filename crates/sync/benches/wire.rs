//! Bytes on the wire and round trips for a teacher's day (5 lessons, 150 marks, one commit per
//! mark), our protocol against the plain automerge sync protocol that automerge-repo and samod
//! speak (one `sync::State` per document and peer, messages exchanged until both sides are
//! quiet, every document in parallel). Prints a table; run with
//! `cargo bench -p zhurnal-sync --bench wire`.

#[path = "support/day.rs"]
mod day;

use day::Day;
use std::collections::BTreeMap;
use std::time::Instant;
use zhurnal_journal::automerge::sync::{State, SyncDoc};
use zhurnal_journal::automerge::Automerge;
use zhurnal_journal::{Doc, DocId};
use zhurnal_sync::{client, gate, wire};

struct Figures {
    up: usize,
    down: usize,
    up_zstd: usize,
    down_zstd: usize,
    round_trips: usize,
}

fn zstd_len(bytes: &[u8]) -> usize {
    zstd::bulk::compress(bytes, 3)
        .expect("zstd compresses")
        .len()
}

/// Our protocol: one request with every document's heads and unacknowledged changes, one
/// answer; repeated while the answer says `more`.
fn ours(day: &Day, with_dict: bool) -> (Figures, usize) {
    let mut server_docs: BTreeMap<DocId, Doc> = day
        .server
        .iter()
        .map(|(id, d)| (*id, Doc::load(*id, &[&d.save()]).expect("loads")))
        .collect();
    let mut client_docs: BTreeMap<DocId, Doc> = day
        .client
        .iter()
        .map(|(id, d)| (*id, Doc::load(*id, &[&d.save()]).expect("loads")))
        .collect();
    let mut bookmarks = day.bookmarks.clone();
    let mut f = Figures {
        up: 0,
        down: 0,
        up_zstd: 0,
        down_zstd: 0,
        round_trips: 0,
    };
    let mut plain_up = 0;
    // The server's ledger mark as the client sends it back: a sequence number as large as
    // every change of these documents (the school server's ledger is at least that far).
    let ledger = |docs: &BTreeMap<DocId, Doc>| -> u64 {
        docs.values()
            .map(|d| d.automerge().get_changes(&[]).len() as u64)
            .sum()
    };
    loop {
        let offers = client_docs
            .values()
            .map(|d| client::offer(d, &bookmarks[&d.id()]))
            .collect();
        let mut req = client::request(offers);
        if with_dict {
            req.mark = Some(ledger(&server_docs));
        }
        // Both sides build the dictionary from the documents the teacher may read.
        let cdict = with_dict
            .then(|| wire::Dictionary::of_reader(&day.school, day.who.user, &mut client_docs));
        let sdict = with_dict
            .then(|| wire::Dictionary::of_reader(&day.school, day.who.user, &mut server_docs));
        plain_up += req
            .docs
            .iter()
            .map(|o| o.changes.iter().map(Vec::len).sum::<usize>())
            .sum::<usize>();
        let body = wire::encode_request_with(
            &req,
            wire::Shorthand {
                dict: cdict.as_ref(),
                short_hashes: with_dict,
                fold_unchanged: with_dict,
            },
        );
        f.up += body.len();
        if with_dict && f.round_trips == 0 {
            show("request", &body, cdict.as_ref());
        }
        let sent = req;
        let mut lookup = gate::DocLookup::new(&day.school, day.who.user, &mut server_docs);
        let req = wire::decode_request_with(&body, sdict.as_ref(), Some(&mut lookup))
            .expect("our own request decodes");
        let answer_dict = wire::body_dictionary(&body).and(sdict.as_ref());
        let plan = gate::check(
            &req,
            &day.who,
            &day.school,
            &Default::default(),
            &mut server_docs,
        )
        .expect("the teacher may write her journals");
        for (id, changes) in plan.apply {
            let doc = server_docs.get_mut(&id).expect("the server holds it");
            for c in &changes {
                doc.apply_chunk(c).expect("applies");
            }
        }
        let mut resp = gate::respond(&req, &day.who, &day.school, &mut server_docs, 1 << 20);
        if req.mark.is_some() && !resp.more {
            resp.mark = Some(ledger(&server_docs));
        }
        let body = wire::encode_response_to(&resp, &req, answer_dict);
        f.down += body.len();
        if with_dict && f.round_trips == 0 {
            show("response", &body, cdict.as_ref());
        }
        let resp = wire::decode_response_to(&body, &sent, cdict.as_ref())
            .expect("our own response decodes");
        f.round_trips += 1;
        for inc in client::incoming(&resp).expect("known documents") {
            let doc = client_docs.get_mut(&inc.doc).expect("she holds it");
            for c in &inc.changes {
                doc.apply_chunk(c).expect("applies");
            }
            if let Some(b) = client::bookmark_after(doc, &inc.server_heads) {
                bookmarks.insert(inc.doc, b);
            }
        }
        if !resp.more {
            break;
        }
    }
    for (id, d) in &client_docs {
        assert_eq!(d.heads(), server_docs[id].heads(), "{id} converged");
    }
    // Our bodies are compressed already.
    f.up_zstd = f.up;
    f.down_zstd = f.down;
    (f, plain_up)
}

/// Where the bytes of a body go, field by field.
fn show(what: &str, body: &[u8], dict: Option<&wire::Dictionary>) {
    let Some(parts) = wire::breakdown(body, dict) else {
        return;
    };
    println!(
        "{what}: {} B; its fields alone (postcard B → zstd B):",
        body.len()
    );
    for (name, plain, z) in parts.into_iter().filter(|p| p.1 > 1) {
        println!("  {name:>16}: {plain:>6} → {z:>5}");
    }
}

/// Runs automerge's sync protocol between the two copies of every document until quiet.
/// `persisted`: both sides kept the sync state of the evening before (automerge-repo keeps it
/// for storage peers); otherwise they start from fresh states (a new connection).
fn automerge_sync(day: &Day, persisted: bool) -> Figures {
    let mut f = Figures {
        up: 0,
        down: 0,
        up_zstd: 0,
        down_zstd: 0,
        round_trips: 0,
    };
    for (id, doc) in &day.client {
        let mut server: Automerge = day.server[id].automerge().clone();
        let mut client: Automerge = doc.automerge().clone();
        let (mut cs, mut ss) = (State::new(), State::new());
        if persisted {
            // The evening before: the laptop's copy equalled the server's.
            let mut evening = server.clone();
            let mut server_copy = server.clone();
            exchange(&mut evening, &mut server_copy, &mut cs, &mut ss, None);
            cs = State::decode(&cs.encode()).expect("a state round-trips");
            ss = State::decode(&ss.encode()).expect("a state round-trips");
        }
        let rounds = exchange(&mut client, &mut server, &mut cs, &mut ss, Some(&mut f));
        f.round_trips = f.round_trips.max(rounds);
        assert_eq!(client.get_heads(), server.get_heads(), "{id} converged");
    }
    f
}

/// Both peers send whenever they have something; one loop turn is one round trip.
fn exchange(
    client: &mut Automerge,
    server: &mut Automerge,
    cs: &mut State,
    ss: &mut State,
    mut figures: Option<&mut Figures>,
) -> usize {
    let mut rounds = 0;
    loop {
        let up = client.generate_sync_message(cs);
        let down = server.generate_sync_message(ss);
        if up.is_none() && down.is_none() {
            return rounds;
        }
        rounds += 1;
        if let Some(m) = up {
            let bytes = m.encode();
            if let Some(f) = figures.as_deref_mut() {
                f.up += bytes.len();
                f.up_zstd += zstd_len(&bytes);
            }
            let m = zhurnal_journal::automerge::sync::Message::decode(&bytes).expect("decodes");
            server.receive_sync_message(ss, m).expect("receives");
        }
        if let Some(m) = down {
            let bytes = m.encode();
            if let Some(f) = figures.as_deref_mut() {
                f.down += bytes.len();
                f.down_zstd += zstd_len(&bytes);
            }
            let m = zhurnal_journal::automerge::sync::Message::decode(&bytes).expect("decodes");
            client.receive_sync_message(cs, m).expect("receives");
        }
    }
}

/// A device with no documents asks for everything (ours), or syncs every readable document
/// from empty (automerge).
fn first_download(day: &Day) -> (Figures, Figures) {
    let mut server_docs: BTreeMap<DocId, Doc> = day
        .server
        .iter()
        .map(|(id, d)| (*id, Doc::load(*id, &[&d.save()]).expect("loads")))
        .collect();
    let mut f = Figures {
        up: 0,
        down: 0,
        up_zstd: 0,
        down_zstd: 0,
        round_trips: 0,
    };
    let mut got: BTreeMap<DocId, Doc> = BTreeMap::new();
    loop {
        let offers = got.values().map(|d| client::offer(d, &d.heads())).collect();
        let req = client::request(offers);
        let body = wire::encode_request(&req);
        f.up += body.len();
        let req = wire::decode_request(&body).expect("decodes");
        let resp = gate::respond(&req, &day.who, &day.school, &mut server_docs, 1 << 20);
        let body = wire::encode_response_to(&resp, &req, None);
        f.down += body.len();
        let resp = wire::decode_response_to(&body, &req, None).expect("decodes");
        f.round_trips += 1;
        for inc in client::incoming(&resp).expect("known documents") {
            let doc = got.entry(inc.doc).or_insert_with(|| Doc::genesis(inc.doc));
            for c in &inc.changes {
                doc.apply_chunk(c).expect("applies");
            }
        }
        if !resp.more {
            break;
        }
    }
    assert_eq!(
        got.len(),
        day.client.len(),
        "every readable document arrived"
    );
    let mut a = Figures {
        up: 0,
        down: 0,
        up_zstd: 0,
        down_zstd: 0,
        round_trips: 0,
    };
    for id in day.client.keys() {
        let mut server: Automerge = day.server[id].automerge().clone();
        let mut client = Automerge::new();
        let (mut cs, mut ss) = (State::new(), State::new());
        let rounds = exchange(&mut client, &mut server, &mut cs, &mut ss, Some(&mut a));
        a.round_trips = a.round_trips.max(rounds);
    }
    (f, a)
}

fn main() {
    let t = Instant::now();
    let day = day::teachers_day();
    println!(
        "A teacher's day: {} lessons, {} marks, {} documents she reads (fixture built in {:.1} s)",
        day.lessons,
        day.marks,
        day.client.len(),
        t.elapsed().as_secs_f64()
    );
    let (o, plain) = ours(&day, true);
    let (o_nodict, _) = ours(&day, false);
    let first = first_download(&day);
    let fresh = automerge_sync(&day, false);
    let kept = automerge_sync(&day, true);
    println!("raw automerge change bytes offered: {plain} B");
    println!();
    println!("| protocol | up, B | down, B | up+down, B | round trips |");
    println!("|---|---|---|---|---|");
    let row = |name: &str, up: usize, down: usize, rt: usize| {
        println!("| {name} | {up} | {down} | {} | {rt} |", up + down);
    };
    row(
        "zhurnal wire 3 as the client sends it (dictionary, short hashes, folded)",
        o.up,
        o.down,
        o.round_trips,
    );
    row(
        "zhurnal wire 3 standing alone (no dictionary, full hashes)",
        o_nodict.up,
        o_nodict.down,
        o_nodict.round_trips,
    );
    row(
        "automerge sync, fresh state, raw",
        fresh.up,
        fresh.down,
        fresh.round_trips,
    );
    row(
        "automerge sync, fresh state, zstd per message",
        fresh.up_zstd,
        fresh.down_zstd,
        fresh.round_trips,
    );
    row(
        "automerge sync, kept state, raw",
        kept.up,
        kept.down,
        kept.round_trips,
    );
    row(
        "automerge sync, kept state, zstd per message",
        kept.up_zstd,
        kept.down_zstd,
        kept.round_trips,
    );

    println!();
    println!("A first full download of everything the teacher reads (a new laptop):");
    println!();
    println!("| protocol | up, B | down, B | up+down, B | round trips |");
    println!("|---|---|---|---|---|");
    row(
        "zhurnal wire 3",
        first.0.up,
        first.0.down,
        first.0.round_trips,
    );
    row(
        "automerge sync, fresh state, raw",
        first.1.up,
        first.1.down,
        first.1.round_trips,
    );
    row(
        "automerge sync, fresh state, zstd per message",
        first.1.up_zstd,
        first.1.down_zstd,
        first.1.round_trips,
    );

    // Time to encode and decode the day's request (median of 21).
    let offers = day
        .client
        .values()
        .map(|d| client::offer(d, &day.bookmarks[&d.id()]))
        .collect();
    let req = client::request(offers);
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            let body = wire::encode_request(&req);
            let back = wire::decode_request(&body).expect("decodes");
            assert_eq!(back.docs.len(), req.docs.len());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!();
    println!(
        "encode + decode the day's request: median {:.2} ms",
        times[times.len() / 2]
    );
}
