// The SDP writer: RFC 8866 §5 order, CRLF line endings. It writes what it is given without
// validating it (a value with a line break would break the description).
#include <algorithm>

#include "sdp/session_description.h"

namespace parley::sdp {
namespace {

class Writer {
 public:
  std::string Finish() { return std::move(out_); }

  void WriteLine(char type, std::string_view value) {
    out_.push_back(type);
    out_.push_back('=');
    out_.append(value);
    out_.append("\r\n");
  }

  void WriteLines(const std::vector<Line>& lines, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      WriteLine(lines[i].type, lines[i].value);
  }
  void WriteLines(const std::vector<Line>& lines) { WriteLines(lines, 0, lines.size()); }

  void WriteConnection(const Connection& c) {
    WriteLine('c', c.net_type + ' ' + c.address_type + ' ' + c.address);
  }

  void WriteAttributes(const std::vector<Attribute>& attributes) {
    for (const Attribute& attribute : attributes) {
      if (attribute.value) {
        WriteLine('a', attribute.name + ':' + *attribute.value);
      } else {
        WriteLine('a', attribute.name);
      }
    }
  }

  // t= lines, each followed by its share of lines_after_timing (r= belongs to the t= before it).
  void WriteTiming(const SessionDescription& d) {
    const std::vector<Line>& after = d.lines_after_timing;
    size_t next = 0;
    for (size_t i = 0; i < d.timing.size(); ++i) {
      WriteLine('t', d.timing[i]);
      const bool last = i + 1 == d.timing.size();
      size_t count = after.size() - next;
      if (!last)
        count = i < d.lines_after_each_timing.size() ? std::min(d.lines_after_each_timing[i], count)
                                                     : 0;
      WriteLines(after, next, next + count);
      next += count;
    }
    WriteLines(after, next, after.size());  // only if there is no t= at all
  }

  void WriteMedia(const MediaDescription& m) {
    std::string line = m.media + ' ' + std::to_string(m.port);
    if (m.port_count) line += '/' + std::to_string(*m.port_count);
    line += ' ' + m.proto;
    for (const std::string& format : m.formats)
      line += ' ' + format;
    WriteLine('m', line);
    WriteLines(m.lines_before_connection);
    if (m.connection) WriteConnection(*m.connection);
    WriteLines(m.lines_after_connection);
    WriteAttributes(m.attributes);
  }

 private:
  std::string out_;
};

}  // namespace

std::string Write(const SessionDescription& d) {
  Writer writer;
  writer.WriteLine('v', std::to_string(d.version));
  const Origin& o = d.origin;
  writer.WriteLine('o', o.username + ' ' + o.session_id + ' ' + std::to_string(o.session_version) +
                            ' ' + o.net_type + ' ' + o.address_type + ' ' + o.address);
  writer.WriteLine('s', d.session_name);
  writer.WriteLines(d.lines_before_connection);
  if (d.connection) writer.WriteConnection(*d.connection);
  writer.WriteLines(d.lines_after_connection);
  writer.WriteTiming(d);
  writer.WriteAttributes(d.attributes);
  for (const MediaDescription& media : d.media)
    writer.WriteMedia(media);
  return writer.Finish();
}

}  // namespace parley::sdp
