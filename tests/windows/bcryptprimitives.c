/* TEST ONLY, never shipped: Debian's wine 8.0 has no bcryptprimitives.dll,
 * whose ProcessPrng Rust's standard library calls for random bytes (since
 * Rust 1.78). tests/windows_wine.rs builds this stub beside trainpack.exe
 * in a temporary folder; it forwards to BCryptGenRandom, which wine has.
 *   x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll bcryptprimitives.c -lbcrypt
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
