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
                let mut dup: Option<usize> = None;
                $crate::grammar::parse_keyed($kind, input, |k, v| {
                    if s.set(k, v) == $crate::keyed::Slot::Duplicate && dup.is_none() {
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
                Ok(s)
            }

            /// The `(key, value)` pairs of `input` whose keys this struct has no field for.
            /// Borrowing, allocation-free; errors as [`Self::parse`] would report them.
            pub fn unknown(
                input: &[u8],
            ) -> impl Iterator<Item = Result<(&[u8], u64), $crate::ParseError>> + '_ {
                $crate::grammar::KeyValues::new($kind, input).filter(|r| match r {
                    Ok((k, _)) => !Self::KEYS.iter().any(|n| n.as_bytes() == *k),
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

            /// Stores `value` under `key` if `key` names a field.
            #[inline]
            pub fn set(&mut self, key: &[u8], value: u64) -> $crate::keyed::Slot {
                let slot: &mut Option<u64> = match key {
                    $( k if k == stringify!($field).as_bytes() => &mut self.$field, )*
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
