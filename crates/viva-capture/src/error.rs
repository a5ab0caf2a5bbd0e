//! What can go wrong with capture, in terms a person can act on.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CaptureError {
    /// GStreamer itself could not start.
    #[error("video capture is unavailable: {0}")]
    Unavailable(String),
    /// A GStreamer element the pipeline needs is not installed.
    #[error("the GStreamer element '{element}' is missing: install {package}")]
    MissingPlugin {
        element: &'static str,
        package: &'static str,
    },
    #[error("no camera was found")]
    NoCamera,
    #[error("'{0}' is not connected any more")]
    NotFound(String),
    #[error("'{0}' is in use by another application")]
    Busy(String),
    #[error("'{0}' was disconnected")]
    Disconnected(String),
    #[error("permission to capture '{0}' was denied")]
    PermissionDenied(String),
    /// The platform offers no way to capture this (e.g. screens on Wayland without the portal).
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    InvalidArgument(String),
    /// Anything else the pipeline reported, with GStreamer's message.
    #[error("capture of '{device}' failed: {message}")]
    Failed { device: String, message: String },
}

impl CaptureError {
    /// Turns an error message of a running (or starting) pipeline into what it means for the
    /// person: a camera in use, unplugged, or refused.
    pub(crate) fn from_gst(device: &str, started: bool, error: &gstreamer::glib::Error) -> Self {
        use gstreamer::ResourceError as R;
        let device = device.to_owned();
        match error.kind::<R>() {
            Some(R::Busy) => Self::Busy(device),
            Some(R::NotAuthorized) => Self::PermissionDenied(device),
            Some(R::NotFound | R::OpenRead | R::OpenReadWrite | R::Read | R::Failed) if started => {
                Self::Disconnected(device)
            }
            Some(R::NotFound | R::OpenRead | R::OpenReadWrite) => Self::NotFound(device),
            _ => Self::Failed {
                device,
                message: error.message().to_owned(),
            },
        }
    }
}

/// Fails with the package to install when GStreamer lacks `element`.
pub(crate) fn require(element: &'static str) -> Result<(), CaptureError> {
    match gstreamer::ElementFactory::find(element) {
        Some(_) => Ok(()),
        None => Err(CaptureError::MissingPlugin {
            element,
            package: package_of(element),
        }),
    }
}

/// The package that ships a GStreamer element, named as this platform's users install it.
pub(crate) fn package_of(element: &str) -> &'static str {
    if cfg!(target_os = "linux") {
        match element {
            "ximagesrc" | "v4l2src" => "gstreamer1.0-plugins-good",
            "pipewiresrc" => "gstreamer1.0-pipewire",
            _ => "gstreamer1.0-plugins-base",
        }
    } else if cfg!(target_os = "macos") {
        match element {
            "avfvideosrc" => "the GStreamer framework's 'bad' plugins (applemedia)",
            _ => "the GStreamer framework (base plugins)",
        }
    } else {
        match element {
            "mfvideosrc" | "d3d11screencapturesrc" => {
                "GStreamer's 'bad' plugins (mediafoundation, d3d11)"
            }
            _ => "GStreamer (base plugins)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gstreamer::glib;

    fn err(kind: gstreamer::ResourceError) -> glib::Error {
        glib::Error::new(kind, "device said no")
    }

    #[test]
    fn resource_errors_become_what_the_person_can_act_on() {
        use gstreamer::ResourceError as R;
        assert_eq!(
            CaptureError::from_gst("Cam", false, &err(R::Busy)),
            CaptureError::Busy("Cam".into())
        );
        assert_eq!(
            CaptureError::from_gst("Cam", false, &err(R::NotAuthorized)),
            CaptureError::PermissionDenied("Cam".into())
        );
        assert_eq!(
            CaptureError::from_gst("Cam", false, &err(R::OpenRead)),
            CaptureError::NotFound("Cam".into())
        );
        // The same read error once frames were flowing means the device went away.
        assert_eq!(
            CaptureError::from_gst("Cam", true, &err(R::Read)),
            CaptureError::Disconnected("Cam".into())
        );
        let other = CaptureError::from_gst("Cam", true, &err(R::NoSpaceLeft));
        assert!(matches!(other, CaptureError::Failed { .. }), "{other:?}");
        assert!(other.to_string().contains("device said no"));
    }

    #[test]
    fn a_missing_plugin_names_the_package_to_install() {
        let e = CaptureError::MissingPlugin {
            element: "ximagesrc",
            package: package_of("ximagesrc"),
        };
        let text = e.to_string();
        assert!(text.contains("ximagesrc"), "{text}");
        #[cfg(target_os = "linux")]
        assert!(text.contains("gstreamer1.0-plugins-good"), "{text}");
    }
}
