#ifndef OMNI_CHDF5_H
#define OMNI_CHDF5_H
// Thin shim over the system libhdf5 (Debian: libhdf5-dev). Swift cannot import HDF5's
// type macros (H5T_NATIVE_*, H5P_DEFAULT...), so this header exposes them as functions.
#include <hdf5.h>
#include <stdint.h>

/// HDF5 library version as major*10000 + minor*100 + release.
int omni_h5_version(void);
hid_t omni_h5t_native_float(void);
hid_t omni_h5t_native_double(void);
hid_t omni_h5t_native_int64(void);
hid_t omni_h5t_native_int32(void);
hid_t omni_h5t_native_uint8(void);
hid_t omni_h5p_default(void);
/// Silences HDF5's automatic error printing on stderr; errors surface as return codes.
void omni_h5_silence_errors(void);
#endif
