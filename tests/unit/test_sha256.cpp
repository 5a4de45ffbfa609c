// SHA-256 against the FIPS 180-2 / NIST example vectors, the padding edge cases (a message that
// leaves exactly 8, 9, 0 or 1 bytes in the last block), and the file wrapper.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "xray/file_io.h"
#include "xray/sha256.h"

namespace {

std::string hash(const std::string& s) { return xray::sha256_hex(s.data(), s.size()); }

TEST(Sha256, NistShortVectors) {
  EXPECT_EQ(hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, Nist448BitMessageNeedsASecondPaddingBlock) {
  // 56 bytes: 0x80 and the 8-byte length no longer fit in the first block.
  EXPECT_EQ(hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, Nist896BitMessage) {
  EXPECT_EQ(hash("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, NistOneMillionA) {
  EXPECT_EQ(hash(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundaries) {
  // Reference digests from Python's hashlib.sha256(b"a" * n).
  EXPECT_EQ(hash(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");  // one block
  EXPECT_EQ(hash(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");  // two
  EXPECT_EQ(hash(std::string(63, 'a')), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  EXPECT_EQ(hash(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  EXPECT_EQ(hash(std::string(119, 'a')), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
  EXPECT_EQ(hash(std::string(120, 'a')), "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
}

TEST(Sha256, FileMatchesInMemoryDigest) {
  const std::string path = testing::TempDir() + "xray_sha256_test.bin";
  const std::string content = "abc";
  ASSERT_TRUE(xray::write_file_atomic(path, content.data(), content.size()).ok());
  auto digest = xray::sha256_file_hex(path);
  ASSERT_TRUE(digest.ok()) << digest.error().message;
  EXPECT_EQ(*digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  ASSERT_TRUE(xray::write_file_atomic(path, "", 0).ok());  // an empty file hashes like ""
  digest = xray::sha256_file_hex(path);
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(*digest, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  std::remove(path.c_str());
}

TEST(Sha256, MissingFileIsAnErrorNamingThePath) {
  const std::string path = testing::TempDir() + "xray_no_such_file.pt";
  const auto digest = xray::sha256_file_hex(path);
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.error().code, xray::ErrorCode::kIo);
  EXPECT_NE(digest.error().message.find(path), std::string::npos) << digest.error().message;
}

}  // namespace
