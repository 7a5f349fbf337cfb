/* Keeps a library that has no sources yet valid for CMake. */
typedef int sw_empty_translation_unit;
