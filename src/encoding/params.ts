/**
 * Parameter sets and slice headers (ITU-T H.264 7.3.2.1.1 SPS, E.1.1 VUI, 7.3.2.2 PPS,
 * 7.3.3 slice header) for the Constrained Baseline subset this encoder emits.
 */
import type { BitWriter } from './bitwriter.js';

/** profile_idc 66 (Baseline) with constraint_set0, set1 (Constrained Baseline) and set2 flags: "42e0". */
export const PROFILE_IDC = 66;
export const CONSTRAINT_FLAGS = 0xe0;
/** log2_max_frame_num_minus4 + 4. */
export const LOG2_MAX_FRAME_NUM = 8;

export interface SequenceParams {
  widthMbs: number;
  heightMbs: number;
  /** Displayed size (the SPS crops the macroblock-aligned picture to it). */
  width: number;
  height: number;
  levelIdc: number;
  fps: number;
}

/** seq_parameter_set_rbsp() with VUI timing info and bitstream restriction (no reordering). */
export function writeSps(w: BitWriter, p: SequenceParams): void {
  w.u(8, PROFILE_IDC);
  w.u(8, CONSTRAINT_FLAGS);
  w.u(8, p.levelIdc);
  w.ue(0); // seq_parameter_set_id
  w.ue(LOG2_MAX_FRAME_NUM - 4);
  w.ue(2); // pic_order_cnt_type: output order = decoding order
  w.ue(1); // max_num_ref_frames
  w.flag(0); // gaps_in_frame_num_value_allowed_flag
  w.ue(p.widthMbs - 1);
  w.ue(p.heightMbs - 1); // pic_height_in_map_units_minus1
  w.flag(1); // frame_mbs_only_flag
  w.flag(1); // direct_8x8_inference_flag
  const cropRight = p.widthMbs * 16 - p.width;
  const cropBottom = p.heightMbs * 16 - p.height;
  const crop = cropRight > 0 || cropBottom > 0;
  w.flag(crop);
  if (crop) {
    // CropUnitX = CropUnitY = 2 for 4:2:0 frames (7.4.2.1.1)
    w.ue(0);
    w.ue(cropRight >> 1);
    w.ue(0);
    w.ue(cropBottom >> 1);
  }
  w.flag(1); // vui_parameters_present_flag
  // vui_parameters() E.1.1
  w.flag(0); // aspect_ratio_info_present_flag
  w.flag(0); // overscan_info_present_flag
  w.flag(0); // video_signal_type_present_flag
  w.flag(0); // chroma_loc_info_present_flag
  w.flag(1); // timing_info_present_flag
  const { units, scale } = timing(p.fps);
  w.u(32, units); // num_units_in_tick
  w.u(32, scale); // time_scale (two ticks per frame)
  w.flag(1); // fixed_frame_rate_flag
  w.flag(0); // nal_hrd_parameters_present_flag
  w.flag(0); // vcl_hrd_parameters_present_flag
  w.flag(0); // pic_struct_present_flag
  w.flag(1); // bitstream_restriction_flag
  w.flag(1); // motion_vectors_over_pic_boundaries_flag
  w.ue(0); // max_bytes_per_pic_denom
  w.ue(0); // max_bits_per_mb_denom
  w.ue(15); // log2_max_mv_length_horizontal
  w.ue(15); // log2_max_mv_length_vertical
  w.ue(0); // max_num_reorder_frames
  w.ue(1); // max_dec_frame_buffering
  w.trailing();
}

/** num_units_in_tick and time_scale for a frame rate (E.2.1: fps = time_scale / (2 * num_units_in_tick)). */
export function timing(fps: number): { units: number; scale: number } {
  if (Number.isInteger(fps)) return { units: 1, scale: 2 * fps };
  return { units: 1001, scale: Math.round(2 * fps * 1001) };
}

/** pic_parameter_set_rbsp(): CAVLC, one slice group, one reference, deblocking control present. */
export function writePps(w: BitWriter): void {
  w.ue(0); // pic_parameter_set_id
  w.ue(0); // seq_parameter_set_id
  w.flag(0); // entropy_coding_mode_flag (CAVLC)
  w.flag(0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0); // num_ref_idx_l0_default_active_minus1
  w.ue(0); // num_ref_idx_l1_default_active_minus1
  w.flag(0); // weighted_pred_flag
  w.u(2, 0); // weighted_bipred_idc
  w.se(0); // pic_init_qp_minus26
  w.se(0); // pic_init_qs_minus26
  w.se(0); // chroma_qp_index_offset
  w.flag(1); // deblocking_filter_control_present_flag
  w.flag(0); // constrained_intra_pred_flag
  w.flag(0); // redundant_pic_cnt_present_flag
  w.trailing();
}

/** slice_type values (Table 7-6); the +5 forms say every slice of the picture has this type. */
export const SliceType = { P: 5, I: 7 } as const;

export interface SliceHeaderParams {
  idr: boolean;
  sliceType: number;
  frameNum: number;
  idrPicId: number;
  qp: number;
  firstMb: number;
  /** Deblocking on: within the slice (idc 2), or across slice edges too with `acrossSlices` (idc 0); off (idc 1) when absent. */
  deblock?: boolean;
  acrossSlices?: boolean;
}

/**
 * slice_header() for a reference picture: deblocking off (disable_deblocking_filter_idc 1), or
 * on (no filter offsets) across slice edges (idc 0) or within the slice (idc 2) when `deblock`.
 */
export function writeSliceHeader(w: BitWriter, h: SliceHeaderParams): void {
  w.ue(h.firstMb);
  w.ue(h.sliceType);
  w.ue(0); // pic_parameter_set_id
  w.u(LOG2_MAX_FRAME_NUM, h.frameNum);
  if (h.idr) w.ue(h.idrPicId);
  if (h.sliceType % 5 === 0) {
    w.flag(0); // num_ref_idx_active_override_flag
    w.flag(0); // ref_pic_list_modification_flag_l0
  }
  // dec_ref_pic_marking() (nal_ref_idc != 0)
  if (h.idr) {
    w.flag(0); // no_output_of_prior_pics_flag
    w.flag(0); // long_term_reference_flag
  } else {
    w.flag(0); // adaptive_ref_pic_marking_mode_flag (sliding window)
  }
  w.se(h.qp - 26); // slice_qp_delta
  if (h.deblock) {
    w.ue(h.acrossSlices ? 0 : 2); // disable_deblocking_filter_idc: filter everything (0), or not across slice boundaries (2)
    w.se(0); // slice_alpha_c0_offset_div2
    w.se(0); // slice_beta_offset_div2
  } else {
    w.ue(1); // disable_deblocking_filter_idc
  }
}
