//! Dial-in configuration, as the seed's settings name it: `VIVA_SIP_ENABLED`,
//! `VIVA_SIP_TRUNK_ID` (or none: Viva creates and owns an inbound trunk for its numbers) and
//! `VIVA_DIAL_IN_NUMBERS` (`US=+15550100100,UK=+442071838750`: region, then E.164).

use crate::config::ConfigError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SipConfig {
    pub enabled: bool,
    /// A trunk the deployment made; None: Viva's own (`viva-inbound`).
    pub trunk_id: Option<String>,
    /// (region, E.164 number), in the order given; the first is the default.
    pub numbers: Vec<(String, String)>,
}

impl SipConfig {
    pub fn from_env(env: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let invalid = |name: &'static str, message: String| ConfigError::Invalid { name, message };
        let enabled = match env("VIVA_SIP_ENABLED").as_deref().map(str::trim) {
            None | Some("" | "false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => true,
            Some(other) => {
                return Err(invalid(
                    "VIVA_SIP_ENABLED",
                    format!("'{other}' is not true or false"),
                ))
            }
        };
        let trunk_id = env("VIVA_SIP_TRUNK_ID").filter(|t| !t.trim().is_empty());
        let numbers = parse_numbers(&env("VIVA_DIAL_IN_NUMBERS").unwrap_or_default())
            .map_err(|m| invalid("VIVA_DIAL_IN_NUMBERS", m))?;
        if enabled && numbers.is_empty() {
            return Err(invalid(
                "VIVA_DIAL_IN_NUMBERS",
                "dial-in needs at least one number, e.g. US=+15550100100".into(),
            ));
        }
        Ok(Self {
            enabled,
            trunk_id,
            numbers,
        })
    }
}

fn parse_numbers(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (region, number) = entry
            .split_once('=')
            .ok_or_else(|| format!("'{entry}' is not REGION=+NUMBER"))?;
        let region = region.trim().to_ascii_uppercase();
        let number: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !(2..=3).contains(&region.len()) || !region.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!("'{region}' is not a region code like US or UK"));
        }
        let digits = number.strip_prefix('+').unwrap_or("");
        if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "'{number}' for {region} is not an E.164 number like +15550100100"
            ));
        }
        if out.iter().any(|(r, _)| *r == region) {
            return Err(format!("{region} is given twice"));
        }
        out.push((region, number));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<SipConfig, ConfigError> {
        SipConfig::from_env(&|k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn numbers_are_regions_and_e164_and_sip_needs_one() {
        let c = from(&[
            ("VIVA_SIP_ENABLED", "true"),
            (
                "VIVA_DIAL_IN_NUMBERS",
                "us=+1-555-010-0100, UK=+44 20 7183 8750",
            ),
        ])
        .unwrap();
        assert_eq!(
            c.numbers,
            vec![
                ("US".into(), "+15550100100".into()),
                ("UK".into(), "+442071838750".into())
            ]
        );
        assert!(from(&[]).is_ok_and(|c| !c.enabled));
        for bad in [
            "US",
            "US=5550100",
            "USA1=+15550100100",
            "US=+1,US=+15550100100",
            "US=+15550100100,US=+15550100101",
        ] {
            assert!(from(&[("VIVA_DIAL_IN_NUMBERS", bad)]).is_err(), "{bad}");
        }
        assert!(
            from(&[("VIVA_SIP_ENABLED", "true")]).is_err(),
            "enabled without numbers"
        );
        assert!(from(&[("VIVA_SIP_ENABLED", "maybe")]).is_err());
    }
}
