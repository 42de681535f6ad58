#pragma once
// The text of the interconnection reasons (models/interconnection.h: Reason, typed records
// the solver gives): the one place their sentences are written. decisions.json, the CSV, the
// report, the terminal, results.xlsx and the desk show reason_text of each record, word for
// word what the solver composed before (issue #22).
#include <string>
#include <vector>

#include "models/interconnection.h"

namespace dorsale::io {

// The sentence of one reason (a Text record: its text as read back).
std::string reason_text(const Reason& r);
// The sentences of a list, in order.
std::vector<std::string> reason_texts(const Reasons& rs);

}  // namespace dorsale::io

namespace dorsale {

// For JSON writers (nlohmann's to_json, found by argument-dependent lookup): a reason is written
// as its sentence. Read back, a sentence becomes a Text record (Reasons = vector<string>).
template <class Json>
void to_json(Json& j, const Reason& r) {
  j = io::reason_text(r);
}

}  // namespace dorsale
