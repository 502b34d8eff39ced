//! The masthead's current temperature, from Open-Meteo, fetched in the background.
//!
//! Owns: the fetch loop and the cached reading. A reader's request never waits on the weather
//! service: it reads the cache, and an absent or stale reading hides the widget.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;

#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub temperature_c: f64,
    pub fetched: Timestamp,
}

/// How long a reading may be shown after it was fetched.
const STALE_AFTER: Duration = Duration::from_secs(3 * 3600);

/// Why a reading could not be fetched. Errors are held without their URL: a configured
/// weather service's URL may carry a key.
#[derive(Debug, thiserror::Error)]
pub enum WeatherError {
    #[error("weather service unreachable: {0}")]
    Unreachable(reqwest::Error),
    #[error("weather service answered {0}")]
    Answered(reqwest::StatusCode),
    #[error("weather service sent unexpected JSON: {0}")]
    Unexpected(reqwest::Error),
}

#[derive(Clone, Default)]
pub struct Weather {
    reading: Arc<RwLock<Option<Reading>>>,
}

#[derive(Deserialize)]
struct OpenMeteoResponse {
    current: OpenMeteoCurrent,
}

#[derive(Deserialize)]
struct OpenMeteoCurrent {
    temperature_2m: f64,
}

impl Weather {
    /// The reading to show now, if any.
    pub fn current(&self, now: Timestamp) -> Option<Reading> {
        let reading = self.reading.read().expect("weather lock").clone()?;
        let age = now.duration_since(reading.fetched);
        (age.as_secs() >= 0 && age.unsigned_abs() <= STALE_AFTER).then_some(reading)
    }

    /// Fetch once and cache the reading; on failure keep the previous one.
    pub async fn refresh(
        &self,
        client: &reqwest::Client,
        url: &str,
        latitude: f64,
        longitude: f64,
    ) -> Result<Reading, WeatherError> {
        let response = client
            .get(url)
            .query(&[
                ("latitude", latitude.to_string()),
                ("longitude", longitude.to_string()),
                ("current", "temperature_2m".to_string()),
            ])
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(|e| WeatherError::Unreachable(e.without_url()))?;
        if !response.status().is_success() {
            return Err(WeatherError::Answered(response.status()));
        }
        let body: OpenMeteoResponse = response
            .json()
            .await
            .map_err(|e| WeatherError::Unexpected(e.without_url()))?;
        let reading = Reading {
            temperature_c: body.current.temperature_2m,
            fetched: Timestamp::now(),
        };
        *self.reading.write().expect("weather lock") = Some(reading.clone());
        Ok(reading)
    }

    /// Keep the reading fresh until the process ends.
    pub fn spawn_refresher(&self, url: String, latitude: f64, longitude: f64, every: Duration) {
        let weather = self.clone();
        tokio::spawn(async move {
            let client = crate::http_client();
            loop {
                if let Err(e) = weather.refresh(&client, &url, latitude, longitude).await {
                    tracing::warn!("{e}");
                }
                tokio::time::sleep(every).await;
            }
        });
    }
}
