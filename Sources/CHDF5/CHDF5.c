#include "CHDF5.h"

int omni_h5_version(void) {
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    return (int)(maj * 10000 + min * 100 + rel);
}
hid_t omni_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t omni_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t omni_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t omni_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
hid_t omni_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t omni_h5p_default(void) { return H5P_DEFAULT; }
void omni_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
