//! A small mutator over seed corpora of valid inputs: byte and bit flips, truncations, splices
//! of two seeds, deleted and repeated ranges, inserted control bytes, huge or odd numbers and
//! the format's own punctuation. Seeded, so a failure replays with the same seed.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Longest input made (bigger inputs say nothing new and slow the run down).
const MAX_LEN: usize = 16 * 1024;

const CONTROL: &[u8] = &[
    0, 0x07, 0x08, 0x1b, b'\r', b'\n', b'\t', 0x7f, 0x80, 0xc3, 0xff,
];

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "99999999999999999999",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e308",
    "1e999",
    "-0.0",
    "NaN",
    "inf",
    "-Infinity",
    "0.000000000000000000001",
    "4294967296",
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn at(rng: &mut ChaCha8Rng, len: usize) -> usize {
    rng.random_range(0..=len)
}

/// One input: a seed with one to eight mutations (sometimes none, so the seeds themselves run).
pub fn input(rng: &mut ChaCha8Rng, seeds: &[Vec<u8>], dict: &[&str]) -> Vec<u8> {
    let mut b = pick(rng, seeds).clone();
    let rounds = match rng.random_range(0..16) {
        0 => 0,
        1..=9 => 1,
        _ => rng.random_range(2..=8),
    };
    for _ in 0..rounds {
        mutate_once(rng, &mut b, seeds, dict);
    }
    b.truncate(MAX_LEN);
    b
}

fn mutate_once(rng: &mut ChaCha8Rng, b: &mut Vec<u8>, seeds: &[Vec<u8>], dict: &[&str]) {
    match rng.random_range(0..10) {
        0 if !b.is_empty() => {
            let i = rng.random_range(0..b.len());
            b[i] = rng.random();
        }
        1 if !b.is_empty() => {
            let i = rng.random_range(0..b.len());
            b[i] ^= 1 << rng.random_range(0..8);
        }
        2 => {
            let i = at(rng, b.len());
            b.truncate(i);
        }
        3 => {
            let other = pick(rng, seeds);
            let (i, j) = (at(rng, b.len()), at(rng, other.len()));
            b.truncate(i);
            b.extend_from_slice(&other[j..]);
        }
        4 => {
            let i = at(rng, b.len());
            b.insert(i, *pick(rng, CONTROL));
        }
        5 => replace_number(rng, b),
        6 if !dict.is_empty() => {
            let i = at(rng, b.len());
            let token = pick(rng, dict).as_bytes();
            b.splice(i..i, token.iter().copied());
        }
        7 if !b.is_empty() => {
            let i = rng.random_range(0..b.len());
            let j = (i + rng.random_range(1..=16)).min(b.len());
            b.drain(i..j);
        }
        8 if !b.is_empty() => {
            let i = rng.random_range(0..b.len());
            let j = (i + rng.random_range(1..=64)).min(b.len());
            let piece = b[i..j].to_vec();
            let k = at(rng, b.len());
            for _ in 0..rng.random_range(1..=4) {
                b.splice(k..k, piece.iter().copied());
            }
        }
        _ => {
            let i = at(rng, b.len());
            let n = pick(rng, NUMBERS).as_bytes();
            b.splice(i..i, n.iter().copied());
        }
    }
}

/// Replaces a run of digits with a huge or odd number (or inserts one where there is none).
fn replace_number(rng: &mut ChaCha8Rng, b: &mut Vec<u8>) {
    let starts: Vec<usize> = (0..b.len())
        .filter(|&i| b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()))
        .collect();
    let n = pick(rng, NUMBERS).as_bytes();
    if starts.is_empty() {
        let i = at(rng, b.len());
        b.splice(i..i, n.iter().copied());
        return;
    }
    let i = *pick(rng, &starts);
    let j = (i..b.len())
        .find(|&k| !b[k].is_ascii_digit())
        .unwrap_or(b.len());
    b.splice(i..j, n.iter().copied());
}
