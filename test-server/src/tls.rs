//! A throwaway PKI per server: a CA plus a leaf for 127.0.0.1 and localhost
//! (or the names the builder was given).
//!
//! Why a CA and not one self-signed leaf: some verifiers (webpki among them)
//! refuse a certificate that is both the trust anchor and the end entity, or a
//! CA certificate used as a server certificate. A separate CA is accepted by
//! every client, curl and reqwest alike, so `--ca-cert` tests mean something.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

pub(crate) struct TlsIdentity {
    pub ca_pem: String,
    pub config: Arc<ServerConfig>,
}

impl TlsIdentity {
    /// Panics on failure: nothing here depends on input, so a failure is a bug.
    pub fn generate(names: Vec<String>) -> Self {
        let mut ca_params = CertificateParams::default();
        ca_params.distinguished_name = name("regards-test-server CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().expect("generate CA key");
        let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign CA");
        let issuer = Issuer::new(ca_params, ca_key);

        let mut leaf_params = CertificateParams::new(names).expect("leaf names");
        leaf_params.distinguished_name = name("localhost");
        leaf_params.is_ca = IsCa::ExplicitNoCa;
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.use_authority_key_identifier_extension = true;
        let leaf_key = KeyPair::generate().expect("generate leaf key");
        let leaf_cert = leaf_params
            .signed_by(&leaf_key, &issuer)
            .expect("sign leaf");

        // Explicit provider: the workspace may link more than one, and then
        // rustls refuses to guess a process-wide default.
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf_cert.der().clone(), ca_cert.der().clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .expect("TLS server config");
        TlsIdentity {
            ca_pem: ca_cert.pem(),
            config: Arc::new(config),
        }
    }
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "regards-test-server");
    dn.push(DnType::CommonName, common_name);
    dn
}
