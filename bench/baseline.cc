// baseline.cc — Xapian used out of the box, the engine without arkiv: the
// benchmark's point of comparison.  Not part of arkiv (its C++ rule is for
// lib/); built by `make bench` only.
//
//   baseline index DB < records.jsonl
//       TermGenerator with the Norwegian Snowball stemmer and default
//       settings, title then text; the id as the unique term and the data.
//   baseline search DB QUERIES.tsv RUN [TAG]
//       QueryParser defaults (Norwegian stemmer, STEM_SOME), BM25, the top
//       100 as a TREC run; latency percentiles on stderr, as arkiv-search.
#include <xapian.h>

#include <jansson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

static std::string field(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        return std::string(json_string_value(v), json_string_length(v));
    if (json_is_integer(v))
        return std::to_string(json_integer_value(v));
    return "";
}

static int index_records(const char *dbpath)
{
    Xapian::WritableDatabase db(dbpath, Xapian::DB_CREATE_OR_OPEN);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("norwegian"));
    std::string line;
    unsigned long n = 0;
    while (std::getline(std::cin, line)) {
        json_t *o = json_loadb(line.data(), line.size(), 0, nullptr);
        if (!o)
            continue;
        std::string id = field(o, "id");
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(field(o, "title"));
        tg.increase_termpos();
        tg.index_text(field(o, "text"));
        doc.set_data(id);
        doc.add_boolean_term("Q" + id);
        db.replace_document("Q" + id, doc);
        json_decref(o);
        n++;
    }
    db.commit();
    std::fprintf(stderr, "baseline: %lu documents\n", n);
    return 0;
}

static double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    size_t k = static_cast<size_t>(p / 100.0 * v.size() + 0.999999);
    return v[std::min(k ? k - 1 : 0, v.size() - 1)];
}

static int search(const char *dbpath, const char *queries, const char *runpath, const char *tag)
{
    Xapian::Database db(dbpath);
    Xapian::QueryParser qp;
    qp.set_stemmer(Xapian::Stem("norwegian"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_database(db);
    std::ifstream in(queries);
    std::ofstream out(runpath);
    std::vector<double> ms;
    std::string line;
    while (std::getline(in, line)) {
        size_t tab = line.find('\t');
        if (tab == std::string::npos)
            continue;
        std::string qid = line.substr(0, tab), text = line.substr(tab + 1);
        auto t0 = std::chrono::steady_clock::now();
        Xapian::MSet mset;
        try {
            Xapian::Enquire enquire(db);
            enquire.set_query(qp.parse_query(text));
            mset = enquire.get_mset(0, 100);
        } catch (const Xapian::QueryParserError &) {
        }
        unsigned rank = 0;
        for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
            out << qid << " Q0 " << it.get_document().get_data() << ' ' << ++rank << ' '
                << it.get_weight() << ' ' << tag << '\n';
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                         .count());
    }
    double sum = 0;
    for (double m : ms)
        sum += m;
    std::fprintf(stderr, "baseline: %zu queries; latency ms: p50 %.2f, p95 %.2f, p99 %.2f, mean %.2f\n",
                 ms.size(), percentile(ms, 50), percentile(ms, 95), percentile(ms, 99),
                 ms.empty() ? 0 : sum / ms.size());
    return 0;
}

int main(int argc, char **argv)
{
    try {
        if (argc == 3 && std::strcmp(argv[1], "index") == 0)
            return index_records(argv[2]);
        if ((argc == 5 || argc == 6) && std::strcmp(argv[1], "search") == 0)
            return search(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : "baseline");
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "baseline: %s\n", e.get_description().c_str());
        return 2;
    }
    std::fputs("usage: baseline index DB < records.jsonl\n"
               "       baseline search DB QUERIES.tsv RUN [TAG]\n",
               stderr);
    return 2;
}
