// The one translation unit that compiles stb_image, configured for this library: memory input
// only, the four formats probe_image() vets, and no assert(): a failed stb check must become an
// error value, never an abort. Inputs reach stb only after probe_image() and check_limits().
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_ASSERT(x) ((void)0)
// Zeroed allocations: stb leaves some buffers unwritten on odd but structurally valid input (a
// scan that never covers a component, coefficients a progressive file never sends); with calloc
// they read as zeros, the same on every run and in every build, instead of leftover memory.
#include <cstdlib>
#define STBI_MALLOC(size) std::calloc(1, (size))
#define STBI_REALLOC(p, size) std::realloc((p), (size))
#define STBI_FREE(p) std::free(p)
#define STBI_MAX_DIMENSIONS (1 << 16)

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmisleading-indentation"
#endif
#include <stb/stb_image.h>
