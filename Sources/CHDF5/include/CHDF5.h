#ifndef OMNI_CHDF5_H
#define OMNI_CHDF5_H
// Thin shim over the system libhdf5 (Debian: libhdf5-dev). Swift cannot import HDF5's
// macros (H5T_NATIVE_*, H5P_DEFAULT, H5F_ACC_*, H5S_UNLIMITED...), so this header exposes
// them as functions, plus a few helpers that keep hyperslab and property-list plumbing in C.
// Debian keeps the serial headers under hdf5/serial; naming that path here lets every Swift
// module that imports CHDF5 find them without extra -Xcc flags. Elsewhere (Homebrew, other
// distributions) hdf5.h is on the default include path.
#if __has_include(<hdf5/serial/hdf5.h>)
#include <hdf5/serial/hdf5.h>
#else
#include <hdf5.h>
#endif
#include <stddef.h>
#include <stdint.h>

/// HDF5 library version as major*10000 + minor*100 + release.
int omni_h5_version(void);
hid_t omni_h5t_native_float(void);
hid_t omni_h5t_native_double(void);
hid_t omni_h5t_native_int64(void);
hid_t omni_h5t_native_uint64(void);
hid_t omni_h5t_native_int32(void);
hid_t omni_h5t_native_uint8(void);
hid_t omni_h5p_default(void);
hid_t omni_h5s_all(void);
hsize_t omni_h5s_unlimited(void);
/// Silences HDF5's automatic error printing on stderr; errors surface as return codes.
void omni_h5_silence_errors(void);
/// Silences automatic error printing for the calling thread once (cheap to call before every operation).
void omni_h5_prepare_thread(void);

/// Writes the current thread's HDF5 error stack (innermost first) into `buf` as
/// newline-separated "function: description (minor message)" lines, then clears the stack.
/// Returns the number of entries. `buf` is always NUL-terminated when `cap > 0`.
int omni_h5_error_stack(char *buf, size_t cap);
/// Clears the current thread's error stack.
void omni_h5_error_clear(void);

/// 1 when `path` starts with the HDF5 signature (at any of the usual offsets), 0 when not,
/// negative when the file cannot be read.
int omni_h5_is_hdf5(const char *path);
/// Creates (truncating) a file. `latest_format` selects libver bounds (latest, latest), which
/// SWMR needs; otherwise the default (earliest) format, readable by every HDF5 1.8+ tool.
hid_t omni_h5_file_create(const char *path, int latest_format);
/// Opens a file. mode: 0 read-only, 1 read-write, 2 read-only SWMR reader.
hid_t omni_h5_file_open(const char *path, int mode);
/// Open identifiers (file, groups, datasets, attributes, named types) on the file containing
/// `obj`, opened through this file handle; < 0 on error. Used to check for leaked handles.
long long omni_h5_open_object_count(hid_t obj);
/// Flushes all buffers of the file containing `obj` to disk (global scope).
herr_t omni_h5_file_flush(hid_t obj);

/// String datatype: variable-length when `size == 0`, else fixed `size` bytes, NUL-padded.
/// UTF-8 character set. Caller closes it.
hid_t omni_h5_string_type(size_t size);

/// Simple dataspace; when `unlimited_first` is set, dimension 0 may grow without limit.
hid_t omni_h5_space(int rank, const hsize_t *dims, int unlimited_first);
/// Dataset creation properties: chunked with `chunk` when non-NULL (shuffle then deflate
/// `deflate_level` 1...9 when > 0); contiguous otherwise. Caller closes it.
hid_t omni_h5_dcpl(int rank, const hsize_t *chunk, int deflate_level, int shuffle);
/// 1 when the deflate filter can encode and decode.
int omni_h5_deflate_available(void);
/// Link creation properties that create missing intermediate groups. Caller closes it.
hid_t omni_h5_lcpl_intermediate(void);
/// Group creation properties without modification times (reproducible files).
hid_t omni_h5_gcpl_untimed(void);

/// Appends `count` rows along dimension 0 of an extendable dataset: grows it and writes
/// `buf` (laid out as `mem_type`, row-major) into the new rows.
herr_t omni_h5_append(hid_t dset, hid_t mem_type, hsize_t count, const void *buf);
/// Reads rows [start, start+count) along dimension 0 into `buf`.
herr_t omni_h5_read_rows(hid_t dset, hid_t mem_type, hsize_t start, hsize_t count, void *buf);
/// Frees the variable-length memory HDF5 allocated while reading `count` elements of `type`.
herr_t omni_h5_vlen_reclaim(hid_t type, hsize_t count, void *buf);

/// Rank and dims (up to `max_rank`) of a dataset or attribute dataspace; returns rank or < 0.
int omni_h5_dataset_dims(hid_t dset, hsize_t *dims, int max_rank);
int omni_h5_attr_dims(hid_t attr, hsize_t *dims, int max_rank);
/// Number of attributes attached to an object, or < 0.
int omni_h5_num_attrs(hid_t obj);
/// 1 when every component of the slash-separated `path` exists below `loc`, 0 if not, < 0 on error.
int omni_h5_path_exists(hid_t loc, const char *path);
/// Number of links in a group, or < 0.
long long omni_h5_group_count(hid_t group);
/// Writes an attribute (replacing any existing one of that name). rank 0 = scalar, rank 1 = `n` elements.
herr_t omni_h5_attr_write(hid_t obj, const char *name, hid_t type, int rank, hsize_t n, const void *buf);
#endif
