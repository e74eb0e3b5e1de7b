//! The machinery behind every flat-keyed file type (`memory.stat`, `memory.events`, …) and
//! every single-value file type (`memory.current`, `memory.max`, …).

/// What happened to one `key value` pair offered to a keyed struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The key is a named field and was stored.
    Known,
    /// The key is a named field that already had a value (the file repeats a key).
    Duplicate,
    /// The key is not a named field: it stays reachable through [`crate::grammar::KeyValues`].
    Unknown,
}

/// Key → field lookup for a keyed struct: a perfect hash built at compile time.
///
/// Why not a `match` on the key: `macro_rules!` cannot turn a field name into a byte-string
/// pattern, so the lookup used to be a chain of `k == "field"` guards, on average half of the
/// 58 (v1) or 70 (v2) `memory.stat` keys compared for every line — the single largest cost of
/// a parse in the benches. Here each key is hashed from its length and its first and last
/// eight bytes (two loads, one multiply), the hash picks one of 1024 slots, and one slice
/// comparison confirms the key. The multiplier is searched for at compile time so that the
/// struct's keys never collide; a struct whose keys cannot be separated fails to compile (the
/// `const` evaluation panics), never at run time.
#[derive(Debug, Clone, Copy)]
pub struct KeyTable {
    seed: u64,
    /// Slot → field index + 1; 0 is empty.
    slots: [u8; KeyTable::SLOTS],
}

/// Reads eight bytes at `at` as a little-endian `u64` (`at + 8 <= k.len()`).
#[inline(always)]
const fn load8(k: &[u8], at: usize) -> u64 {
    u64::from_le_bytes([
        k[at],
        k[at + 1],
        k[at + 2],
        k[at + 3],
        k[at + 4],
        k[at + 5],
        k[at + 6],
        k[at + 7],
    ])
}

impl KeyTable {
    const SLOTS: usize = 1024;
    const SHIFT: u32 = 64 - 10;

    #[inline(always)]
    const fn hash(k: &[u8], seed: u64) -> usize {
        let n = k.len();
        let (a, b) = if n >= 8 {
            (load8(k, 0), load8(k, n - 8))
        } else {
            let mut v = 0u64;
            let mut i = 0;
            while i < n {
                v |= (k[i] as u64) << (8 * i);
                i += 1;
            }
            (v, 0)
        };
        let x = a ^ b.rotate_left(29) ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (x.wrapping_mul(seed) >> Self::SHIFT) as usize
    }

    /// Builds the table for `keys` (at most 255), searching for a multiplier with no collision.
    ///
    /// # Panics
    /// At compile time (it is only called in `const` items) if no multiplier separates them.
    #[must_use]
    pub const fn new(keys: &[&str]) -> KeyTable {
        assert!(keys.len() < 256, "too many keys for a KeyTable");
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut tries = 0;
        while tries < 4096 {
            let mut slots = [0u8; Self::SLOTS];
            let mut ok = true;
            let mut i = 0;
            while i < keys.len() {
                let h = Self::hash(keys[i].as_bytes(), seed);
                if slots[h] != 0 {
                    ok = false;
                    break;
                }
                slots[h] = (i + 1) as u8;
                i += 1;
            }
            if ok {
                return KeyTable { seed, slots };
            }
            // Next odd multiplier (an LCG step keeps them spread out).
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407)
                | 1;
            tries += 1;
        }
        panic!("no collision-free multiplier for these keys");
    }

    /// The index of `key` in `keys` (the list the table was built from), if it is one of them.
    #[inline]
    #[must_use]
    pub fn find(&self, keys: &[&str], key: &[u8]) -> Option<usize> {
        let i = usize::from(self.slots[Self::hash(key, self.seed)]).checked_sub(1)?;
        (keys.get(i)?.as_bytes() == key).then_some(i)
    }
}

/// Declares a flat-keyed file struct: one `Option<u64>` per key the kernel documents,
/// `parse`, `set`, `get`, `fields`, an `unknown` iterator and `Display` (kernel format).
macro_rules! keyed_file {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($kind:expr) {
            $( $(#[$fmeta:meta])* $field:ident ),* $(,)?
        }
    ) => {
        $crate::keyed::keyed_storage! {
            $(#[$meta])*
            pub struct $name ($kind) { $( $(#[$fmeta])* $field ),* }
        }

        impl $name {
            /// Parses the file's bytes. Keys this struct does not name are counted in
            /// `unknown_keys` and stay readable through [`Self::unknown`]; a repeated key, a
            /// malformed line or an empty file is a [`ParseError`]($crate::ParseError).
            /// Allocation-free.
            ///
            /// # Errors
            /// [`ParseError`]($crate::ParseError) naming the line and byte offset.
            #[inline]
            pub fn parse(input: &[u8]) -> Result<Self, $crate::ParseError> {
                let mut s = Self::default();
                s.parse_into(input)?;
                Ok(s)
            }

            /// [`Self::parse`] into `self`, in place: every field is replaced, as by
            /// `*self = Self::parse(input)?`, without building a second value and moving it
            /// (the [`Sampler`]($crate::sampler::Sampler) refills one Snapshot this way). On
            /// an error `self` holds the keys read before it. Allocation-free.
            ///
            /// # Errors
            /// As [`Self::parse`].
            #[inline]
            pub fn parse_into(&mut self, input: &[u8]) -> Result<(), $crate::ParseError> {
                *self = Self::default();
                let mut dup: Option<usize> = None;
                $crate::grammar::parse_keyed($kind, input, |k, v| {
                    if self.set(k, v) == $crate::keyed::Slot::Duplicate && dup.is_none() {
                        dup = Some(k.as_ptr() as usize - input.as_ptr() as usize);
                    }
                })?;
                if let Some(off) = dup {
                    return Err($crate::ParseError::at(
                        $kind,
                        input,
                        off,
                        $crate::Reason::DuplicateKey,
                    ));
                }
                Ok(())
            }

            /// The `(key, value)` pairs of `input` whose keys this struct has no field for.
            /// Borrowing, allocation-free; errors as [`Self::parse`] would report them.
            pub fn unknown(
                input: &[u8],
            ) -> impl Iterator<Item = Result<(&[u8], u64), $crate::ParseError>> + '_ {
                $crate::grammar::KeyValues::new($kind, input).filter(|r| match r {
                    Ok((k, _)) => Self::KEY_TABLE.find(Self::KEYS, k).is_none(),
                    Err(_) => true,
                })
            }
        }

        impl core::fmt::Display for $name {
            /// Renders the present fields in the kernel's format (`key value\n`).
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                for (k, v) in self.fields() {
                    if let Some(v) = v {
                        writeln!(f, "{k} {v}")?;
                    }
                }
                Ok(())
            }
        }
    };
}

/// The storage half of [`keyed_file!`]: the struct, `set`, `get`, `fields`.
macro_rules! keyed_storage {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($kind:expr) {
            $( $(#[$fmeta:meta])* $field:ident ),* $(,)?
            $( ; $( $(#[$emeta:meta])* $ename:ident : $ety:ty ),* $(,)? )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: Option<u64>, )*
            /// How many lines held keys this struct has no field for (a newer kernel's keys).
            /// Read them with the borrowing iterator [`crate::grammar::KeyValues`] (flat-keyed
            /// files also have an `unknown` iterator).
            pub unknown_keys: u32,
            $( $( $(#[$emeta])* pub $ename: $ety, )* )?
        }

        impl $name {
            /// The file kind, for errors and dispatch.
            pub const KIND: $crate::FileKind = $kind;

            /// The keys this struct has fields for, in the kernel's order.
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            /// The perfect hash of [`Self::KEYS`], built at compile time.
            const KEY_TABLE: $crate::keyed::KeyTable = $crate::keyed::KeyTable::new(Self::KEYS);

            /// Stores `value` under `key` if `key` names a field.
            #[inline]
            #[allow(non_upper_case_globals)]
            pub fn set(&mut self, key: &[u8], value: u64) -> $crate::keyed::Slot {
                // The field's position in KEYS, as a constant named after the field, so the
                // `match` below is on integers (a jump table), not on strings.
                #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
                enum Field { $( $field, )* }
                $( const $field: usize = Field::$field as usize; )*
                let slot: &mut Option<u64> = match Self::KEY_TABLE.find(Self::KEYS, key) {
                    $( Some($field) => &mut self.$field, )*
                    _ => {
                        self.unknown_keys = self.unknown_keys.saturating_add(1);
                        return $crate::keyed::Slot::Unknown;
                    }
                };
                let was = slot.replace(value);
                if was.is_some() {
                    $crate::keyed::Slot::Duplicate
                } else {
                    $crate::keyed::Slot::Known
                }
            }

            /// The position of `key` in [`Self::KEYS`] (the field order), or `None` for a key
            /// this type has no field for. The same constant-time lookup [`Self::set`] uses;
            /// bindings that lay their own struct out in `KEYS` order parse straight into it
            /// with it (see `memcg-ffi`).
            #[inline]
            #[must_use]
            pub fn key_index(key: &[u8]) -> Option<usize> {
                Self::KEY_TABLE.find(Self::KEYS, key)
            }

            /// The value of a named key: `None` if the key is not a field or was absent.
            #[must_use]
            pub fn get(&self, key: &str) -> Option<u64> {
                match key {
                    $( stringify!($field) => self.$field, )*
                    _ => None,
                }
            }

            /// Every named field with its value (absent fields as `None`), in the kernel's
            /// order.
            pub fn fields(&self) -> impl Iterator<Item = (&'static str, Option<u64>)> + '_ {
                let values = [$(self.$field),*];
                Self::KEYS.iter().copied().zip(values)
            }

        }
    };
}

/// Declares a single-value file type: a newtype over `u64` or [`crate::Limit`].
macro_rules! single_value {
    ($(#[$meta:meta])* $name:ident, u64, $kind:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name(pub u64);

        impl $name {
            /// The file kind, for errors and dispatch.
            pub const KIND: $crate::FileKind = $kind;

            /// Parses one unsigned decimal (trailing newline optional).
            ///
            /// # Errors
            /// [`ParseError`]($crate::ParseError): empty file, not a number, above `u64::MAX`,
            /// or more than one value.
            #[inline]
            pub fn parse(input: &[u8]) -> Result<Self, $crate::ParseError> {
                $crate::grammar::parse_single_u64($kind, input).map($name)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                writeln!(f, "{}", self.0)
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, limit_v2, $kind:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name(pub $crate::Limit);

        impl $name {
            /// The file kind, for errors and dispatch.
            pub const KIND: $crate::FileKind = $kind;

            /// Parses `max` (unlimited) or one unsigned decimal.
            ///
            /// # Errors
            /// [`ParseError`]($crate::ParseError): empty file, neither `max` nor a number
            /// (a negative number included), above `u64::MAX`, or more than one value.
            #[inline]
            pub fn parse(input: &[u8]) -> Result<Self, $crate::ParseError> {
                $crate::limit::parse_v2_limit($kind, input).map($name)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.0 {
                    $crate::Limit::Unlimited => writeln!(f, "max"),
                    $crate::Limit::Bytes(b) => writeln!(f, "{b}"),
                }
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, limit_v1, $kind:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name(pub $crate::Limit);

        impl $name {
            /// The file kind, for errors and dispatch.
            pub const KIND: $crate::FileKind = $kind;

            /// Parses one decimal; values at or above 2^62 (`PAGE_COUNTER_MAX` × page size,
            /// whatever the page size) and `-1` read as [`Limit::Unlimited`]($crate::Limit).
            ///
            /// # Errors
            /// [`ParseError`]($crate::ParseError): empty file, not a number, above
            /// `u64::MAX`, or more than one value.
            #[inline]
            pub fn parse(input: &[u8]) -> Result<Self, $crate::ParseError> {
                $crate::limit::parse_v1_limit($kind, input).map($name)
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.0 {
                    // What a 64-bit kernel with 4 KiB pages prints for "no limit".
                    $crate::Limit::Unlimited => writeln!(f, "9223372036854771712"),
                    $crate::Limit::Bytes(b) => writeln!(f, "{b}"),
                }
            }
        }
    };
}

pub(crate) use keyed_file;
pub(crate) use keyed_storage;
pub(crate) use single_value;

#[cfg(test)]
mod tests {
    use super::Slot;
    use crate::{v1, v2};

    #[test]
    fn every_key_finds_its_field_and_nothing_else_does() {
        let mut s = v2::MemoryStat::default();
        for (i, k) in v2::MemoryStat::KEYS.iter().enumerate() {
            assert_eq!(s.set(k.as_bytes(), i as u64), Slot::Known, "{k}");
            assert_eq!(s.get(k), Some(i as u64), "{k}");
            assert_eq!(s.set(k.as_bytes(), 0), Slot::Duplicate, "{k}");
        }
        let mut s = v1::MemoryStat::default();
        for (i, k) in v1::MemoryStat::KEYS.iter().enumerate() {
            assert_eq!(s.set(k.as_bytes(), i as u64), Slot::Known, "{k}");
            assert_eq!(s.get(k), Some(i as u64), "{k}");
        }
        for miss in [
            &b""[..],
            b"anon ",
            b"ano",
            b"anonx",
            b"total_rss_hug",
            b"workingset_refault_anon_",
            b"Anon",
            b"total_cache",
        ] {
            assert_eq!(v2::MemoryStat::default().set(miss, 1), Slot::Unknown);
        }
        assert_eq!(v1::MemoryStat::default().set(b"anon", 1), Slot::Unknown);
    }
}
