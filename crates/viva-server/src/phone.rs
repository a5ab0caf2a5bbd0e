//! Phone numbers: whatever a person typed, parsed to E.164 with a default region (AE unless
//! configured), so that "0509876543" in the UAE and "+971 50 987 6543" compare equal.

use phonenumber::country;
use phonenumber::Mode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("is not a phone number")]
    Unparseable,
    #[error("is not a valid phone number for its region")]
    Invalid,
}

/// Parses `text` to E.164 (`+971509876543`). Numbers without a country code are read in
/// `region`.
pub fn to_e164(text: &str, region: country::Id) -> Result<String, PhoneError> {
    let text = text.trim();
    if text.is_empty() || text.len() > 40 {
        return Err(PhoneError::Unparseable);
    }
    let number = phonenumber::parse(Some(region), text).map_err(|_| PhoneError::Unparseable)?;
    if !phonenumber::is_valid(&number) {
        return Err(PhoneError::Invalid);
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_international_forms_agree() {
        let ae = country::Id::AE;
        assert_eq!(to_e164("+971509876543", ae).unwrap(), "+971509876543");
        assert_eq!(to_e164("050 987 6543", ae).unwrap(), "+971509876543");
        assert_eq!(to_e164("+971 (50) 987-6543", ae).unwrap(), "+971509876543");
        assert_eq!(
            to_e164("(202) 555-0143", country::Id::US).unwrap(),
            "+12025550143"
        );
    }

    #[test]
    fn garbage_is_refused() {
        let ae = country::Id::AE;
        assert_eq!(to_e164("not a phone", ae), Err(PhoneError::Unparseable));
        assert_eq!(to_e164("", ae), Err(PhoneError::Unparseable));
        assert!(to_e164("+9715", ae).is_err());
        assert!(to_e164(&"9".repeat(100), ae).is_err());
    }
}
