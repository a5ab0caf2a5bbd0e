//! The dispatcher's side of a room: each event the library reports is applied to the room's
//! state first, then forwarded typed, so a receiver that sees `ParticipantConnected` already
//! finds the participant in `remote_participants()`. Also the copy of user data packets out
//! of the library's buffers.

use std::sync::MutexGuard;

use super::*;

impl RoomShared {
    pub(super) fn lock(&self) -> MutexGuard<'_, RoomState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks the room finished: one final `Disconnected`, then the stream ends.
    pub(super) fn finish(&self, reason: DisconnectReason) {
        let mut state = self.lock();
        let reason = if state.leaving {
            DisconnectReason::ClientInitiated
        } else {
            reason
        };
        state.connection = ConnectionState::Disconnected;
        if let Some(tx) = state.events.take() {
            let _ = tx.send(RoomEvent::Disconnected { reason });
        }
    }

    pub(super) fn on_event(&self, event: proto::RoomEvent) {
        let Some(message) = event.message else { return };
        let mut state = self.lock();
        let typed = match message {
            R::ParticipantConnected(e) => {
                let entry = RemoteEntry {
                    _handle: Handle::owned(&e.info.handle),
                    info: e.info.info,
                    publications: HashMap::new(),
                };
                let snapshot = entry.snapshot();
                state.remotes.insert(entry.info.identity.clone(), entry);
                Some(RoomEvent::ParticipantConnected(snapshot))
            }
            R::ParticipantDisconnected(e) => {
                state.remotes.remove(&e.participant_identity);
                Some(RoomEvent::ParticipantDisconnected {
                    identity: e.participant_identity,
                    reason: DisconnectReason::from_proto(e.disconnect_reason),
                })
            }
            R::LocalTrackPublished(e) => Some(RoomEvent::LocalTrackPublished {
                track_sid: e.track_sid,
            }),
            R::LocalTrackUnpublished(e) => {
                self.local.forget_publication(&e.publication_sid);
                Some(RoomEvent::LocalTrackUnpublished {
                    track_sid: e.publication_sid,
                })
            }
            R::LocalTrackRepublished(e) => {
                self.local.republished(&e.previous_sid, &e.info);
                None
            }
            R::LocalTrackSubscribed(e) => Some(RoomEvent::LocalTrackSubscribed {
                track_sid: e.track_sid,
            }),
            R::TrackPublished(e) => {
                let publication = RemotePublication {
                    handle: Handle::owned(&e.publication.handle),
                    info: e.publication.info,
                    track: None,
                };
                let snapshot = RemoteTrackPublication::from_proto(&publication.info, false);
                if let Some(remote) = state.remotes.get_mut(&e.participant_identity) {
                    remote
                        .publications
                        .insert(publication.info.sid.clone(), publication);
                }
                Some(RoomEvent::TrackPublished {
                    participant_identity: e.participant_identity,
                    publication: snapshot,
                })
            }
            R::TrackUnpublished(e) => {
                if let Some(remote) = state.remotes.get_mut(&e.participant_identity) {
                    remote.publications.remove(&e.publication_sid);
                }
                Some(RoomEvent::TrackUnpublished {
                    participant_identity: e.participant_identity,
                    publication_sid: e.publication_sid,
                })
            }
            R::TrackSubscribed(e) => {
                let track = RemoteTrack::from_owned(e.track, e.participant_identity.clone());
                if let Some(publication) =
                    state.publication_mut(&e.participant_identity, track.sid())
                {
                    publication.track = Some(track.clone());
                }
                Some(RoomEvent::TrackSubscribed {
                    participant_identity: e.participant_identity,
                    track,
                })
            }
            R::TrackUnsubscribed(e) => {
                if let Some(publication) =
                    state.publication_mut(&e.participant_identity, &e.track_sid)
                {
                    publication.track = None;
                }
                Some(RoomEvent::TrackUnsubscribed {
                    participant_identity: e.participant_identity,
                    track_sid: e.track_sid,
                })
            }
            R::TrackSubscriptionFailed(e) => Some(RoomEvent::TrackSubscriptionFailed {
                participant_identity: e.participant_identity,
                track_sid: e.track_sid,
                error: e.error,
            }),
            R::TrackMuted(e) => {
                if let Some(publication) =
                    state.publication_mut(&e.participant_identity, &e.track_sid)
                {
                    publication.info.muted = true;
                }
                Some(RoomEvent::TrackMuted {
                    participant_identity: e.participant_identity,
                    track_sid: e.track_sid,
                })
            }
            R::TrackUnmuted(e) => {
                if let Some(publication) =
                    state.publication_mut(&e.participant_identity, &e.track_sid)
                {
                    publication.info.muted = false;
                }
                Some(RoomEvent::TrackUnmuted {
                    participant_identity: e.participant_identity,
                    track_sid: e.track_sid,
                })
            }
            R::ActiveSpeakersChanged(e) => Some(RoomEvent::ActiveSpeakersChanged {
                identities: e.participant_identities,
            }),
            R::RoomMetadataChanged(e) => {
                state.metadata = e.metadata.clone();
                Some(RoomEvent::RoomMetadataChanged {
                    metadata: e.metadata,
                })
            }
            R::RoomSidChanged(e) => {
                state.sid = e.sid;
                None
            }
            R::ParticipantMetadataChanged(e) => {
                if let Some(remote) = state.remotes.get_mut(&e.participant_identity) {
                    remote.info.metadata = e.metadata.clone();
                }
                Some(RoomEvent::ParticipantMetadataChanged {
                    identity: e.participant_identity,
                    metadata: e.metadata,
                })
            }
            R::ParticipantNameChanged(e) => {
                if let Some(remote) = state.remotes.get_mut(&e.participant_identity) {
                    remote.info.name = e.name.clone();
                }
                Some(RoomEvent::ParticipantNameChanged {
                    identity: e.participant_identity,
                    name: e.name,
                })
            }
            R::ParticipantPermissionChanged(e) => {
                if e.participant_identity == self.local.identity() {
                    self.local.set_permission(
                        e.permission.as_ref().map(ParticipantPermission::from_proto),
                    );
                }
                if let Some(remote) = state.remotes.get_mut(&e.participant_identity) {
                    remote.info.permission = e.permission.clone();
                }
                Some(RoomEvent::ParticipantPermissionChanged {
                    identity: e.participant_identity,
                    permission: e.permission.as_ref().map(ParticipantPermission::from_proto),
                })
            }
            R::ConnectionQualityChanged(e) => Some(RoomEvent::ConnectionQualityChanged {
                participant_identity: e.participant_identity,
                quality: ConnectionQuality::from_proto(e.quality),
            }),
            R::ConnectionStateChanged(e) => {
                state.connection = ConnectionState::from_proto(e.state);
                Some(RoomEvent::ConnectionStateChanged(state.connection))
            }
            R::Reconnecting(_) => Some(RoomEvent::Reconnecting),
            R::Reconnected(_) => Some(RoomEvent::Reconnected),
            R::TokenRefreshed(e) => Some(RoomEvent::TokenRefreshed { token: e.token }),
            R::DataPacketReceived(e) => data_event(e),
            R::Disconnected(e) => {
                drop(state);
                self.finish(DisconnectReason::from_proto(e.reason));
                return;
            }
            R::Eos(_) => {
                drop(state);
                self.finish(DisconnectReason::Unknown);
                if let Ok(engine) = engine() {
                    engine.unregister_sink(self.handle.id());
                }
                return;
            }
            other => {
                // Kinds we do not surface (data streams, data tracks, chat, transcription)
                // may still carry handles.
                let event = proto::RoomEvent {
                    room_handle: event.room_handle,
                    message: Some(other),
                };
                for id in orphan::room_event_handles(&event) {
                    drop(Handle::new(id));
                }
                None
            }
        };
        if let (Some(typed), Some(tx)) = (typed, state.events.as_ref()) {
            let _ = tx.send(typed);
        }
    }
}

impl RoomState {
    fn publication_mut(&mut self, identity: &str, sid: &str) -> Option<&mut RemotePublication> {
        self.remotes.get_mut(identity)?.publications.get_mut(sid)
    }
}

impl RemoteEntry {
    pub(super) fn snapshot(&self) -> RemoteParticipant {
        RemoteParticipant {
            identity: self.info.identity.clone(),
            name: self.info.name.clone(),
            sid: self.info.sid.clone(),
            metadata: self.info.metadata.clone(),
            kind: ParticipantKind::from_proto(self.info.kind),
            attributes: self.info.attributes.clone(),
            permission: self
                .info
                .permission
                .as_ref()
                .map(ParticipantPermission::from_proto),
            publications: self
                .publications
                .values()
                .map(|p| RemoteTrackPublication::from_proto(&p.info, p.track.is_some()))
                .collect(),
        }
    }
}

/// Copies a user packet out of its library buffer and releases the buffer.
fn data_event(e: proto::DataPacketReceived) -> Option<RoomEvent> {
    match e.value {
        Some(proto::data_packet_received::Value::User(user)) => {
            let buffer = Handle::owned(&user.data.handle);
            let info = &user.data.data;
            let data = if info.data_ptr == 0 || info.data_len == 0 {
                Vec::new()
            } else {
                // SAFETY: the buffer stays valid until its handle is dropped, below.
                unsafe {
                    std::slice::from_raw_parts(info.data_ptr as *const u8, info.data_len as usize)
                }
                .to_vec()
            };
            drop(buffer);
            Some(RoomEvent::DataReceived {
                participant_identity: e.participant_identity,
                data,
                topic: user.topic,
                reliable: e.kind == proto::DataPacketKind::KindReliable as i32,
            })
        }
        _ => None,
    }
}

pub(super) struct RoomSink(pub(super) Weak<RoomShared>);

impl EventSink for RoomSink {
    fn deliver(&self, event: Ev) -> Option<Ev> {
        match (self.0.upgrade(), event) {
            (Some(room), Ev::RoomEvent(e)) => {
                room.on_event(e);
                None
            }
            (_, event) => Some(event),
        }
    }
}
