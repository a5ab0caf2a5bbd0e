//! Events nobody is waiting for. They may still carry owned handles (a room that finished
//! connecting after we gave up, a frame for a stream being closed, a data packet for a
//! dropped room); releasing them here is what keeps "every handle dropped exactly once"
//! true on the unhappy paths.

use crate::engine::Engine;
use crate::handle::Handle;
use crate::proto::{self, ffi_event::Message as M, room_event::Message as R};

/// The async id of a callback event, if it is one.
pub(crate) fn async_id(message: &M) -> Option<u64> {
    Some(match message {
        M::Connect(e) => e.async_id,
        M::Disconnect(e) => e.async_id,
        M::Dispose(e) => e.async_id,
        M::PublishTrack(e) => e.async_id,
        M::UnpublishTrack(e) => e.async_id,
        M::PublishData(e) => e.async_id,
        M::PublishTranscription(e) => e.async_id,
        M::CaptureAudioFrame(e) => e.async_id,
        M::SetLocalMetadata(e) => e.async_id,
        M::SetLocalName(e) => e.async_id,
        M::SetLocalAttributes(e) => e.async_id,
        M::GetStats(e) => e.async_id,
        M::GetSessionStats(e) => e.async_id,
        M::PublishSipDtmf(e) => e.async_id,
        M::ChatMessage(e) => e.async_id,
        M::PerformRpc(e) => e.async_id,
        M::SendStreamHeader(e) => e.async_id,
        M::SendStreamChunk(e) => e.async_id,
        M::SendStreamTrailer(e) => e.async_id,
        M::ByteStreamReaderReadAll(e) => e.async_id,
        M::ByteStreamReaderWriteToFile(e) => e.async_id,
        M::ByteStreamOpen(e) => e.async_id,
        M::ByteStreamWriterWrite(e) => e.async_id,
        M::ByteStreamWriterClose(e) => e.async_id,
        M::SendFile(e) => e.async_id,
        M::TextStreamReaderReadAll(e) => e.async_id,
        M::TextStreamOpen(e) => e.async_id,
        M::TextStreamWriterWrite(e) => e.async_id,
        M::TextStreamWriterClose(e) => e.async_id,
        M::SendText(e) => e.async_id,
        M::SendBytes(e) => e.async_id,
        M::PublishDataTrack(e) => e.async_id,
        M::SimulateScenario(e) => e.async_id,
        M::DefineSchema(e) => e.async_id,
        M::GetSchema(e) => e.async_id,
        M::NewCaptureSource(e) => e.async_id,
        _ => return None,
    })
}

/// Releases whatever an undelivered event owns. A room that connected too late is also
/// disconnected, or it would stay in the call as a ghost participant.
pub(crate) fn release(engine: &Engine, message: M) {
    if let M::Connect(proto::ConnectCallback {
        message: Some(proto::connect_callback::Message::Result(result)),
        ..
    }) = &message
    {
        let room_handle = result.room.handle.id;
        tracing::warn!(
            room_handle,
            "a room connected after its caller gave up; disconnecting it"
        );
        let _ = engine.request(proto::ffi_request::Message::Disconnect(
            proto::DisconnectRequest {
                room_handle,
                request_async_id: None,
                reason: Some(proto::DisconnectReason::ClientInitiated as i32),
            },
        ));
    }
    for id in owned_handles(&message) {
        drop(Handle::new(id));
    }
}

/// Every owned handle an event carries.
pub(crate) fn owned_handles(message: &M) -> Vec<u64> {
    let mut ids = Vec::new();
    match message {
        M::Connect(proto::ConnectCallback {
            message: Some(proto::connect_callback::Message::Result(result)),
            ..
        }) => {
            ids.push(result.room.handle.id);
            ids.push(result.local_participant.handle.id);
            for p in &result.participants {
                ids.push(p.participant.handle.id);
                ids.extend(
                    p.publications
                        .iter()
                        .map(|publication| publication.handle.id),
                );
            }
        }
        M::PublishTrack(proto::PublishTrackCallback {
            message: Some(proto::publish_track_callback::Message::Publication(publication)),
            ..
        }) => ids.push(publication.handle.id),
        M::RoomEvent(event) => ids.extend(room_event_handles(event)),
        M::VideoStreamEvent(proto::VideoStreamEvent {
            message: Some(proto::video_stream_event::Message::FrameReceived(frame)),
            ..
        }) => ids.push(frame.buffer.handle.id),
        M::AudioStreamEvent(proto::AudioStreamEvent {
            message: Some(proto::audio_stream_event::Message::FrameReceived(frame)),
            ..
        }) => ids.push(frame.frame.handle.id),
        M::ByteStreamOpen(proto::ByteStreamOpenCallback {
            result: Some(proto::byte_stream_open_callback::Result::Writer(writer)),
            ..
        }) => ids.push(writer.handle.id),
        M::TextStreamOpen(proto::TextStreamOpenCallback {
            result: Some(proto::text_stream_open_callback::Result::Writer(writer)),
            ..
        }) => ids.push(writer.handle.id),
        M::PublishDataTrack(proto::PublishDataTrackCallback {
            result: Some(proto::publish_data_track_callback::Result::Track(track)),
            ..
        }) => ids.push(track.handle.id),
        _ => {}
    }
    ids.retain(|&id| id != 0);
    ids
}

/// Handles carried by room events. Used both for orphans and for the room kinds we do not
/// surface (data streams, data tracks), which the room releases on arrival.
pub(crate) fn room_event_handles(event: &proto::RoomEvent) -> Vec<u64> {
    match &event.message {
        Some(R::ParticipantConnected(e)) => vec![e.info.handle.id],
        Some(R::TrackPublished(e)) => vec![e.publication.handle.id],
        Some(R::TrackSubscribed(e)) => vec![e.track.handle.id],
        Some(R::DataPacketReceived(proto::DataPacketReceived {
            value: Some(proto::data_packet_received::Value::User(user)),
            ..
        })) => vec![user.data.handle.id],
        Some(R::ByteStreamOpened(e)) => vec![e.reader.handle.id],
        Some(R::TextStreamOpened(e)) => vec![e.reader.handle.id],
        Some(R::DataTrackPublished(e)) => vec![e.track.handle.id],
        _ => Vec::new(),
    }
}
