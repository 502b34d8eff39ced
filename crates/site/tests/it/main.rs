//! The site crate's integration tests, in one binary: a whole site in a temporary folder, as
//! `wiredesk` opens one.

mod superdesk_parity;

use std::path::Path;

use jiff::Timestamp;
use tempfile::TempDir;
use wiredesk_ingest::DeliveryReport;
use wiredesk_model::Story;
use wiredesk_site::{Database, Site, SiteLocation};

/// A new, empty site with the default config, in a folder removed when it is dropped.
struct FreshSite {
    site: Site,
    _data: TempDir,
}

/// What a site made of one file: the file's report and its stories as stored, in order.
struct Kept {
    report: DeliveryReport,
    stories: Vec<Story>,
}

async fn fresh_site() -> FreshSite {
    let data = tempfile::tempdir().unwrap();
    let site = SiteLocation {
        data: data.path().to_path_buf(),
        config: None,
        db: Database::default(),
    }
    .open()
    .await
    .unwrap();
    FreshSite { site, _data: data }
}

impl FreshSite {
    async fn ingest(&self, path: &Path) -> Kept {
        let run = wiredesk_site::ingest::ingest_paths(
            &self.site.pipeline,
            &[path.to_path_buf()],
            &|_| Timestamp::now(),
            false,
        )
        .await
        .unwrap();
        let [report] = <[DeliveryReport; 1]>::try_from(run.reports).expect("one file, one report");
        let mut stories = Vec::new();
        for id in &report.stories {
            let story = self.site.pipeline.store().story(id).await.unwrap();
            stories.push(story.expect("a reported story is stored"));
        }
        Kept { report, stories }
    }
}
