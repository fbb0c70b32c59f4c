//! JSON Web Tokens: HS256 with the deployment's secret, and RS256 with an
//! identity provider's public key; the `Authenticator` every entry point uses.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::seedwork::application::{AuthError, Authenticator, Sesion};
use crate::seedwork::domain::{Principal, Rol};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    sub: String,
    roles: Vec<String>,
    exp: u64,
    /// Not before (epoch seconds): a token is refused until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
}

/// How tokens are checked: an HS256 secret, optionally an RS256 public key,
/// and whether anonymous (local) access is allowed.
#[derive(Clone)]
pub struct AuthConfig {
    hs256: DecodingKey,
    rs256: Option<DecodingKey>,
    pub anonymous: bool,
    /// Where anonymous access is on: a key of this process alone, random
    /// at start, for the development sign-in's tokens (they are accepted
    /// here and nowhere else, not even by a process sharing JWT_SECRET).
    dev_secret: Option<String>,
}

impl AuthConfig {
    pub fn new(
        secret: &str,
        rs256_public_pem: Option<&str>,
        anonymous: bool,
    ) -> Result<Self, AuthError> {
        let rs256 = rs256_public_pem
            .map(|pem| {
                DecodingKey::from_rsa_pem(pem.as_bytes())
                    .map_err(|e| AuthError::Invalid(e.to_string()))
            })
            .transpose()?;
        Ok(Self {
            hs256: DecodingKey::from_secret(secret.as_bytes()),
            rs256,
            anonymous,
            dev_secret: anonymous.then(|| {
                format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                )
            }),
        })
    }
}

impl Authenticator for AuthConfig {
    fn ofrece_desarrollo(&self) -> bool {
        self.dev_secret.is_some()
    }

    /// An eight-hour token signed with this process's development key.
    fn token_de_desarrollo(&self, rol: Rol) -> Option<Result<String, AuthError>> {
        let secret = self.dev_secret.as_deref()?;
        Some(mint_token(
            secret,
            &format!("dev-{}", rol.as_str()),
            &[rol],
            8 * 3600,
        ))
    }

    /// The session of an `Authorization` header value (or its absence).
    fn sesion(&self, authorization: Option<&str>) -> Result<Sesion, AuthError> {
        let Some(value) = authorization.map(str::trim).filter(|v| !v.is_empty()) else {
            return if self.anonymous {
                Ok(Sesion {
                    principal: Principal::Anonimo,
                    expira: None,
                })
            } else {
                Err(AuthError::Missing)
            };
        };
        let token = value
            .strip_prefix("Bearer ")
            .ok_or_else(|| AuthError::Invalid("expected a Bearer token".into()))?;
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        let (key, alg) = match (header.alg, &self.rs256) {
            (Algorithm::RS256, Some(key)) => (key, Algorithm::RS256),
            (Algorithm::HS256, _) => (&self.hs256, Algorithm::HS256),
            (other, _) => {
                return Err(AuthError::Invalid(format!(
                    "algorithm {other:?} not accepted"
                )));
            }
        };
        let data = match (verify(token, key, alg), &self.dev_secret) {
            // Not the deployment's: maybe this process's development key.
            (Err(AuthError::Invalid(_)), Some(dev)) if alg == Algorithm::HS256 => {
                verify(token, &DecodingKey::from_secret(dev.as_bytes()), alg)?
            }
            (result, _) => result?,
        };
        // Roles of other systems in a shared token mean nothing here; a
        // token with none of ours authorizes nothing (see `Principal`).
        let roles = data
            .claims
            .roles
            .iter()
            .filter_map(|r| r.parse::<Rol>().ok())
            .collect();
        Ok(Sesion {
            principal: Principal::Usuario {
                sujeto: data.claims.sub,
                roles,
            },
            expira: chrono::DateTime::from_timestamp(
                i64::try_from(data.claims.exp).unwrap_or(i64::MAX),
                0,
            ),
        })
    }
}

/// The claims of a token signed with `key`, not expired and not before
/// its `nbf`.
fn verify(
    token: &str,
    key: &DecodingKey,
    alg: Algorithm,
) -> Result<jsonwebtoken::TokenData<Claims>, AuthError> {
    let mut validation = Validation::new(alg);
    validation.leeway = 0;
    validation.validate_nbf = true;
    decode::<Claims>(token, key, &validation).map_err(|e| match e.kind() {
        jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
        jsonwebtoken::errors::ErrorKind::ImmatureSignature => {
            AuthError::Invalid("the token is not valid yet (nbf)".into())
        }
        _ => AuthError::Invalid(e.to_string()),
    })
}

/// Mints an HS256 token (for `propalpes token` and tests).
pub fn mint_token(
    secret: &str,
    subject: &str,
    roles: &[Rol],
    ttl_secs: i64,
) -> Result<String, AuthError> {
    let exp = chrono::Utc::now().timestamp() + ttl_secs;
    let claims = Claims {
        sub: subject.to_owned(),
        roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        exp: u64::try_from(exp.max(0)).unwrap_or(0),
        nbf: None,
    };
    sign(secret, &claims)
}

/// Mints an HS256 token with any claims (tests of what the verifier
/// refuses: a future `nbf`, roles of another system).
pub fn mint_token_with(
    secret: &str,
    roles: &[&str],
    exp: i64,
    nbf: Option<i64>,
) -> Result<String, AuthError> {
    let claims = Claims {
        sub: "test".into(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        exp: u64::try_from(exp.max(0)).unwrap_or(0),
        nbf: nbf.map(|n| u64::try_from(n.max(0)).unwrap_or(0)),
    };
    sign(secret, &claims)
}

fn sign(secret: &str, claims: &Claims) -> Result<String, AuthError> {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| AuthError::Invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_roles_expiry_and_absence() {
        let auth = AuthConfig::new("s3cret", None, false).unwrap();
        let token = mint_token("s3cret", "ana", &[Rol::Auditor], 60).unwrap();
        assert_eq!(
            auth.principal(Some(&format!("Bearer {token}"))).unwrap(),
            Principal::Usuario {
                sujeto: "ana".into(),
                roles: vec![Rol::Auditor]
            }
        );
        let expired = mint_token("s3cret", "ana", &[Rol::Auditor], -10).unwrap();
        assert_eq!(
            auth.principal(Some(&format!("Bearer {expired}"))),
            Err(AuthError::Expired)
        );
        assert_eq!(auth.principal(None), Err(AuthError::Missing));
        let forged = mint_token("other", "ana", &[Rol::Auditor], 60).unwrap();
        assert!(matches!(
            auth.principal(Some(&format!("Bearer {forged}"))),
            Err(AuthError::Invalid(_))
        ));
        let open = AuthConfig::new("s3cret", None, true).unwrap();
        assert_eq!(open.principal(None), Ok(Principal::Anonimo));
    }

    #[test]
    fn a_future_nbf_is_refused_and_foreign_roles_are_dropped() {
        let auth = AuthConfig::new("s3cret", None, false).unwrap();
        let now = chrono::Utc::now().timestamp();
        let early = mint_token_with("s3cret", &["auditor"], now + 7200, Some(now + 3600)).unwrap();
        assert!(matches!(
            auth.principal(Some(&format!("Bearer {early}"))),
            Err(AuthError::Invalid(m)) if m.contains("nbf")
        ));
        let foreign = mint_token_with("s3cret", &["admin", "auditor"], now + 60, None).unwrap();
        let sesion = auth.sesion(Some(&format!("Bearer {foreign}"))).unwrap();
        assert_eq!(
            sesion.principal,
            Principal::Usuario {
                sujeto: "test".into(),
                roles: vec![Rol::Auditor]
            }
        );
        assert_eq!(sesion.expira.map(|e| e.timestamp()), Some(now + 60));
    }
}
