//============================================================================
//
//   SSSS    tt          lll  lll
//  SS  SS   tt           ll   ll
//  SS     tttttt  eeee   ll   ll   aaaa
//   SSSS    tt   ee  ee  ll   ll      aa
//      SS   tt   eeeeee  ll   ll   aaaaa  --  "An Atari 2600 VCS Emulator"
//  SS  SS   tt   ee      ll   ll  aa  aa
//   SSSS     ttt  eeeee llll llll  aaaaa
//
// Copyright (c) 1995-2007 by Bradford W. Mott and the Stella team
//
// See the file "license" for information on usage and redistribution of
// this file, and for a DISCLAIMER OF ALL WARRANTIES.
//
// $Id: MD5.hxx,v 1.5 2007/01/01 18:04:48 stephena Exp $
//============================================================================

#ifndef MD5_HXX
#define MD5_HXX

#include <string>
#include <cstdint>

namespace ale {
namespace stella {

/**
  Get the MD5 Message-Digest of the specified message with the
  given length.  The digest consists of 32 hexadecimal digits.

  @param buffer The message to compute the digest of
  @param length The length of the message
  @return The message-digest
*/
std::string MD5(const uint8_t* buffer, uint32_t length);

}  // namespace stella
}  // namespace ale

#endif
