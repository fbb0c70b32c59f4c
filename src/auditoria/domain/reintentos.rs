//! How a saga re-sends a command nobody answered: the first wait is
//! `timeout`, each next one twice the last, and after `max_intentos` sends
//! it gives up. A value the application builds from its settings and
//! hands to the sagas; they only apply it.

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoliticaDeReintentos {
    pub timeout: Duration,
    pub max_intentos: u32,
}

impl PoliticaDeReintentos {
    /// Whether a command sent `intentos` times is given up on.
    pub fn agotada(&self, intentos: u32) -> bool {
        intentos >= self.max_intentos
    }

    /// When the reply to the `intento`-th send is overdue (1: `timeout`).
    pub fn plazo(&self, ahora: DateTime<Utc>, intento: u32) -> DateTime<Utc> {
        ahora + self.timeout * 2i32.saturating_pow(intento.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wait_doubles_and_the_last_send_gives_up() {
        let p = PoliticaDeReintentos {
            timeout: Duration::seconds(30),
            max_intentos: 3,
        };
        let t0 = DateTime::from_timestamp(0, 0).expect("epoch");
        assert_eq!(p.plazo(t0, 1), t0 + Duration::seconds(30));
        assert_eq!(p.plazo(t0, 3), t0 + Duration::seconds(120));
        assert!(!p.agotada(2));
        assert!(p.agotada(3));
    }
}
