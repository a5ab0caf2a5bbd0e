//! How a phone number is shown to others in a room: only its last four digits, so a
//! caller's number is recognisable to those who know it and useless to anyone else.

/// `+15551234567` -> `+•••••••4567`; fewer than 5 digits -> `+•••`.
pub fn mask(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 5 {
        return "+•••".into();
    }
    let hidden = "•".repeat(digits.len() - 4);
    let shown: String = digits[digits.len() - 4..].iter().collect();
    format!("+{hidden}{shown}")
}

/// The attribute LiveKit's SIP bridge sets on a caller: their number.
pub const SIP_PHONE_ATTRIBUTE: &str = "sip.phoneNumber";

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_last_four_digits_show() {
        assert_eq!(super::mask("+15551234567"), "+•••••••4567");
        assert_eq!(super::mask("+44 20 7183 8750"), "+••••••••8750");
        assert_eq!(super::mask("123"), "+•••");
        assert_eq!(super::mask(""), "+•••");
    }
}
