/**
 * spellbook/rtp: RTP and RTCP for WebRTC media. RTP packets (RFC 3550, RFC 8285), H.264
 * (RFC 6184) and Opus (RFC 7587) payloads, the RTCP compound codec (RFC 3550, 4585, 5104,
 * REMB, transport-cc) and RTP statistics (RFC 3550 appendix A). No side effects.
 */
export { RtpParseError, RtcpParseError } from './errors.js';
export { RtpPacket, isRtpPacket } from './rtp-packet.js';
export { RtpPacketBuilder, type RtpHeaderFields } from './rtp-builder.js';
export type { HeaderExtension, ExtensionForm } from './header-extensions.js';
export { seqDelta, seqNewer, seqAdd, SequenceUnwrapper } from './sequence.js';
export { createTransportSequenceCounter, type TransportSequenceCounter, type RtpStreamOptions, type RtpPacketSink } from './header-template.js';
export { DEFAULT_MTU, H264_CLOCK_RATE, OPUS_CLOCK_RATE, NAL_TYPE, RTCP_TYPE } from './constants.js';

export { H264Packetizer, type H264PacketizerOptions } from './h264/packetizer.js';
export { H264Depacketizer, type H264Frame, type H264DepacketizerOptions, type H264DepacketizerStats } from './h264/depacketizer.js';
export { nalUnitType, nalRefIdc, splitAnnexB, scanAnnexB, toAnnexB, containsIdr } from './h264/nal.js';

export { OpusPacketizer, type OpusPacketizerOptions } from './opus/packetizer.js';
export { OpusDepacketizer, type OpusFrame, type OpusDepacketizerStats } from './opus/depacketizer.js';
export { opusPacketSamples, isOpusDtx } from './opus/toc.js';

export { parseRtcp, serializeRtcp, writeRtcp, rtcpCompoundSize, type RtcpPacket } from './rtcp/compound.js';
export type { RtcpPacketBase } from './rtcp/header.js';
export type { ReportBlock } from './rtcp/report-block.js';
export { SenderReport } from './rtcp/sender-report.js';
export { ReceiverReport } from './rtcp/receiver-report.js';
export { SourceDescription, type SdesChunk, type SdesItem } from './rtcp/sdes.js';
export { Goodbye } from './rtcp/bye.js';
export { GenericNack, type NackEntry } from './rtcp/nack.js';
export { PictureLossIndication } from './rtcp/pli.js';
export { FullIntraRequest, type FirEntry } from './rtcp/fir.js';
export { ReceiverEstimatedMaxBitrate } from './rtcp/remb.js';
export { TransportWideCcFeedback, TwccStatus, type TwccPacketResult } from './rtcp/twcc.js';
export { UnknownRtcpPacket } from './rtcp/unknown.js';

export { ReceiverStatistics, type ReceiverStatisticsOptions } from './stats/receiver.js';
export { SenderStatistics, type SenderStatisticsOptions } from './stats/sender.js';
export { computeRtt, computeRttMs } from './stats/rtt.js';
export { ntpFromUnixMs, unixMsFromNtp, ntpMiddle, compactNtpFromUnixMs, type NtpTime } from './stats/ntp.js';
export { RetransmissionBuffer, type RetransmissionBufferOptions, type NackAnswer } from './stats/retransmission-buffer.js';

// rtpdump capture files (rtptools): read by tests, fuzz targets, benches and the harness's replays.
export {
  isRtcpPacket,
  readRtpDump,
  writeRtpDump,
  RtpDumpError,
  RTPDUMP_MAGIC,
  RTPDUMP_FILE_HEADER_BYTES,
  RTPDUMP_PACKET_HEADER_BYTES,
  type RtpDump,
  type RtpDumpPacket,
  type WriteRtpDumpOptions,
} from './rtpdump.js';
