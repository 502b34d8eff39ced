//! TLS for the sources that are not HTTP (FTPS, IMAPS): whom to trust, with ring as the one
//! crypto provider (`install_tls_provider`).

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls_platform_verifier::ConfigVerifierExt;

use crate::SourceError;
use crate::remote::RemoteSource;

/// TLS settings for an FTPS or IMAPS source: the system's roots, or those in its `ca_file`.
pub(crate) fn config(source: &RemoteSource) -> Result<Arc<ClientConfig>, SourceError> {
    crate::install_tls_provider();
    let config = match &source.ca_file {
        None => ClientConfig::with_platform_verifier().map_err(|e| SourceError::Tls {
            name: source.name.clone(),
            message: e.to_string(),
        })?,
        Some(path) => {
            let cannot = |message: String| SourceError::CaFile {
                name: source.name.clone(),
                path: path.clone(),
                message,
            };
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(path).map_err(|e| cannot(e.to_string()))? {
                roots
                    .add(cert.map_err(|e| cannot(e.to_string()))?)
                    .map_err(|e| cannot(e.to_string()))?;
            }
            if roots.is_empty() {
                return Err(cannot("no certificates in it".into()));
            }
            ClientConfig::builder()
                .with_root_certificates(roots)
                .with_no_client_auth()
        }
    };
    Ok(Arc::new(config))
}
