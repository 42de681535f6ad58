#pragma once
// A small reader of .xlsx workbooks for the tests (libzip + the sheets' XML): the sheet names
// in order and each sheet's cells, typed as the file stores them (a number, or a string from the
// shared strings table or inline). Independent of the writer (io/xlsx.cpp).
#include <zip.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dorsale::test {

struct XlsxCell {
  bool is_number = false;
  double number = 0;
  std::string text;
};

struct XlsxSheet {
  std::string name;
  std::vector<std::vector<std::optional<XlsxCell>>> rows;  // [row][column], row 0 the header
  // the header's column index of `name` (-1 when absent)
  int column(const std::string& header) const {
    if (rows.empty()) return -1;
    for (std::size_t c = 0; c < rows[0].size(); ++c)
      if (rows[0][c] && rows[0][c]->text == header) return int(c);
    return -1;
  }
};

namespace xlsx_detail {

inline std::string entry(zip_t* z, const std::string& name) {
  zip_stat_t st;
  if (zip_stat(z, name.c_str(), 0, &st) != 0) return {};
  zip_file_t* f = zip_fopen(z, name.c_str(), 0);
  if (!f) throw std::runtime_error("cannot open " + name);
  std::string out(st.size, '\0');
  const auto n = zip_fread(f, out.data(), st.size);
  zip_fclose(f);
  if (n < 0 || zip_uint64_t(n) != st.size) throw std::runtime_error("cannot read " + name);
  return out;
}

inline std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    const std::string e = s.substr(i + 1, semi - i - 1);
    if (e == "amp") out += '&';
    else if (e == "lt") out += '<';
    else if (e == "gt") out += '>';
    else if (e == "quot") out += '"';
    else if (e == "apos") out += '\'';
    else throw std::runtime_error("unknown entity &" + e + ";");
    i = semi;
  }
  return out;
}

// The attribute `a` of the tag starting at `tag` ("" when absent).
inline std::string attr(const std::string& tag, const std::string& a) {
  const auto p = tag.find(" " + a + "=\"");
  if (p == std::string::npos) return {};
  const auto b = p + a.size() + 3;
  return unescape(tag.substr(b, tag.find('"', b) - b));
}

// The texts of every <t>...</t> between `from` and `to`, joined.
inline std::string texts(const std::string& xml, std::size_t from, std::size_t to) {
  std::string out;
  for (auto p = xml.find("<t", from); p != std::string::npos && p < to; p = xml.find("<t", p + 1)) {
    if (xml[p + 2] != '>' && xml[p + 2] != ' ') continue;
    const auto b = xml.find('>', p) + 1;
    out += unescape(xml.substr(b, xml.find("</t>", b) - b));
  }
  return out;
}

inline std::pair<std::size_t, std::size_t> cell_ref(const std::string& r) {
  std::size_t col = 0, i = 0;
  for (; i < r.size() && r[i] >= 'A' && r[i] <= 'Z'; ++i) col = col * 26 + std::size_t(r[i] - 'A' + 1);
  return {std::size_t(std::atol(r.c_str() + i)) - 1, col - 1};
}

}  // namespace xlsx_detail

inline std::vector<XlsxSheet> read_xlsx(const std::string& path) {
  using namespace xlsx_detail;
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  if (!z) throw std::runtime_error("not a zip file: " + path);
  std::vector<XlsxSheet> out;
  try {
    std::vector<std::string> shared;
    const std::string ss = entry(z, "xl/sharedStrings.xml");
    for (auto p = ss.find("<si>"); p != std::string::npos; p = ss.find("<si>", p + 1)) shared.push_back(texts(ss, p, ss.find("</si>", p)));
    // sheets in the workbook's order; their part through the workbook's relationships
    const std::string wb = entry(z, "xl/workbook.xml"), rels = entry(z, "xl/_rels/workbook.xml.rels");
    std::map<std::string, std::string> target;
    for (auto p = rels.find("<Relationship "); p != std::string::npos; p = rels.find("<Relationship ", p + 1)) {
      const std::string tag = rels.substr(p, rels.find('>', p) - p);
      target[attr(tag, "Id")] = attr(tag, "Target");
    }
    for (auto p = wb.find("<sheet "); p != std::string::npos; p = wb.find("<sheet ", p + 1)) {
      const std::string tag = wb.substr(p, wb.find('>', p) - p);
      XlsxSheet s;
      s.name = attr(tag, "name");
      const std::string xml = entry(z, "xl/" + target.at(attr(tag, "r:id")));
      for (auto c = xml.find("<c "); c != std::string::npos; c = xml.find("<c ", c + 1)) {
        const auto tag_end = xml.find('>', c);
        const std::string ctag = xml.substr(c, tag_end - c);
        const auto [row, col] = cell_ref(attr(ctag, "r"));
        if (s.rows.size() <= row) s.rows.resize(row + 1);
        if (s.rows[row].size() <= col) s.rows[row].resize(col + 1);
        if (xml[tag_end - 1] == '/') continue;  // an empty (styled) cell
        const auto end = xml.find("</c>", c);
        const std::string type = attr(ctag, "t");
        XlsxCell cell;
        if (type == "inlineStr") {
          cell.text = texts(xml, c, end);
        } else {
          const auto v = xml.find("<v>", c);
          const std::string val = v < end ? xml.substr(v + 3, xml.find("</v>", v) - v - 3) : std::string();
          if (type == "s") cell.text = shared.at(std::size_t(std::stoul(val)));
          else if (type == "str") cell.text = unescape(val);
          else {
            cell.is_number = true;
            cell.number = std::strtod(val.c_str(), nullptr);
          }
        }
        s.rows[row][col] = cell;
      }
      out.push_back(std::move(s));
    }
  } catch (...) {
    zip_close(z);
    throw;
  }
  zip_close(z);
  return out;
}

}  // namespace dorsale::test
