// Eigen's matrix-product kernels, instantiated once per scalar (build time, issue 12).
//
// Every dense product A*B that Eigen does not unroll ends in the same few kernels: GEMM's packing
// routines and its register-blocked micro-kernel (gebp), and GEMV for matrix-vector products.
// Left to implicit instantiation, every translation unit that multiplies matrices of a scalar
// compiles its own copy of them (for Mp, MpVar and Rational that is most of a claim file's code
// generation). Declared `extern` here and instantiated once in the core's generated
// instantiate/kernels_<scalar>.cpp, they are compiled once per scalar instead.
//
// Only for translation units that link fa_core (which defines FA_CORE_EIGEN_KERNELS): a target
// built without it (fa-bench, with -march=native and so different kernel parameters) instantiates
// its own. The template arguments below are the ones Eigen's product dispatch uses for
// column-major Mat<T> operands and their transposes (row-major views); any other combination is
// simply instantiated where used, as before. Results are unchanged: the same code, compiled once.
#pragma once

#include <Eigen/Core>

// clang-format off
#define FA_EIGEN_GEMM_KERNELS(EXTERN, T)                                                         \
  EXTERN template struct gebp_kernel<T, T, Index, blas_data_mapper<T, Index, ColMajor, 0, 1>,     \
                                     gebp_traits<T, T>::mr, gebp_traits<T, T>::nr, false, false>; \
  FA_EIGEN_PACK_LHS(EXTERN, T, ColMajor)                                                         \
  FA_EIGEN_PACK_LHS(EXTERN, T, RowMajor)                                                         \
  EXTERN template struct gemm_pack_rhs<T, Index, const_blas_data_mapper<T, Index, ColMajor>,      \
                                       gebp_traits<T, T>::nr, ColMajor, false, false>;          \
  EXTERN template struct gemm_pack_rhs<T, Index, const_blas_data_mapper<T, Index, RowMajor>,      \
                                       gebp_traits<T, T>::nr, RowMajor, false, false>;          \
  EXTERN template struct general_matrix_vector_product<                                           \
      Index, T, const_blas_data_mapper<T, Index, ColMajor>, ColMajor, false, T,                   \
      const_blas_data_mapper<T, Index, RowMajor>, false, 0>;                                      \
  EXTERN template struct general_matrix_vector_product<                                           \
      Index, T, const_blas_data_mapper<T, Index, RowMajor>, RowMajor, false, T,                   \
      const_blas_data_mapper<T, Index, ColMajor>, false, 0>;                                      \
  EXTERN template struct general_matrix_matrix_product<Index, T, ColMajor, false, T, ColMajor,    \
                                                       false, ColMajor, 1>;                     \
  EXTERN template struct general_matrix_matrix_product<Index, T, RowMajor, false, T, ColMajor,    \
                                                       false, ColMajor, 1>;                     \
  EXTERN template struct general_matrix_matrix_product<Index, T, ColMajor, false, T, RowMajor,    \
                                                       false, ColMajor, 1>;                     \
  EXTERN template struct general_matrix_matrix_product<Index, T, RowMajor, false, T, RowMajor,    \
                                                       false, ColMajor, 1>;

#define FA_EIGEN_PACK_LHS(EXTERN, T, ORDER)                                                      \
  EXTERN template struct gemm_pack_lhs<T, Index, const_blas_data_mapper<T, Index, ORDER>,         \
                                       gebp_traits<T, T>::mr, gebp_traits<T, T>::LhsProgress,   \
                                       typename gebp_traits<T, T>::LhsPacket4Packing, ORDER,   \
                                       false, false>;
// clang-format on
