// Chat rendering without Jinja: each supported family renders byte for byte like its real
// template (rendered with jinja2 into fixtures/text/chat_renders.jsonl), the family is
// recognised from the template text, and the response spans are exactly the assistant turns.
#include <QtTest/QtTest>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/chat_format.h"

using namespace aletheia::text;

namespace {
const std::vector<nlohmann::json>& renders() {
    static std::vector<nlohmann::json> rows = [] {
        std::vector<nlohmann::json> r;
        std::ifstream in(std::string(ALETHEIA_FIXTURES) + "/text/chat_renders.jsonl");
        std::string line;
        while (std::getline(in, line))
            if (!line.empty()) r.push_back(nlohmann::json::parse(line));
        return r;
    }();
    return rows;
}
}  // namespace

class TstChatFormat : public QObject {
    Q_OBJECT
private slots:
    void matchesRealTemplates_data() {
        QTest::addColumn<int>("row");
        const auto& rows = renders();
        QVERIFY(rows.size() >= 50);
        for (size_t i = 0; i < rows.size(); ++i)
            QTest::addRow("%s/%zu", rows[i]["family"].get<std::string>().c_str(), i) << int(i);
    }
    void matchesRealTemplates() {
        QFETCH(int, row);
        const auto& r = renders()[static_cast<size_t>(row)];
        TokenizerConfig cfg;
        cfg.chatTemplate = r["template"];
        if (!r["bos"].get<std::string>().empty()) cfg.bosToken = r["bos"].get<std::string>();
        if (!r["eos"].get<std::string>().empty()) cfg.eosToken = r["eos"].get<std::string>();
        const ChatStyle style = resolveChatStyle(cfg);  // detected from the template text
        std::vector<ChatMessage> msgs;
        for (const auto& m : r["messages"]) msgs.push_back({m["role"], m["content"]});
        const RenderedChat out = renderChat(style, msgs, r["add_generation_prompt"].get<bool>());
        QCOMPARE(QString::fromStdString(out.text), QString::fromStdString(r["expected"].get<std::string>()));

        // Spans tile the text, and the response spans hold every assistant answer.
        size_t pos = 0;
        std::string responses;
        for (const auto& s : out.spans) {
            QCOMPARE(s.begin, pos);
            pos = s.end;
            if (s.response) responses += out.text.substr(s.begin, s.end - s.begin);
        }
        QCOMPARE(pos, out.text.size());
        for (const auto& m : msgs) {
            if (m.role != "assistant") continue;
            std::string answer = m.content;
            if (answer.find("</think>") != std::string::npos) answer = "Yes.";  // Qwen3 moves the reasoning
            while (!answer.empty() && answer.front() == ' ') answer.erase(0, 1);
            while (!answer.empty() && answer.back() == ' ') answer.pop_back();
            QVERIFY2(responses.find(answer) != std::string::npos, answer.c_str());
        }
    }

    void detectsFamilies_data() {
        QTest::addColumn<QString>("snippet");
        QTest::addColumn<QString>("family");
        QTest::newRow("chatml") << "{{'<|im_start|>' + message['role']}}" << "chatml";
        QTest::newRow("qwen3") << "<|im_start|> ... '<think>'" << "qwen3";
        QTest::newRow("llama3") << "'<|start_header_id|>' + message['role']" << "llama3";
        QTest::newRow("gemma") << "'<start_of_turn>' + role" << "gemma";
        QTest::newRow("phi3") << "'<|user|>\\n' + message['content'] + '<|end|>'" << "phi3";
        QTest::newRow("llama2") << "'[INST] ' + '<<SYS>>\\n'" << "llama2";
        QTest::newRow("mistral") << "'[INST] ' + message['content'] + ' [/INST]'" << "mistral";
    }
    void detectsFamilies() {
        QFETCH(QString, snippet);
        QFETCH(QString, family);
        const auto f = detectChatFormat(snippet.toStdString());
        QVERIFY(f.has_value());
        QCOMPARE(QString::fromStdString(chatFormatName(*f)), family);
        QCOMPARE(chatFormatFromName(family.toStdString()), *f);
    }

    void unknownTemplateNamesSupportedFormats() {
        TokenizerConfig cfg;
        cfg.chatTemplate = "{% for m in messages %}### {{ m.role }}: {{ m.content }}{% endfor %}";
        try {
            resolveChatStyle(cfg);
            QFAIL("no throw");
        } catch (const aletheia::Error& e) {
            const std::string w = e.what();
            QVERIFY2(w.find("chatml, qwen3, llama3, llama2, mistral, gemma, phi3") != std::string::npos, e.what());
        }
        // Naming the format explicitly overrides detection.
        QCOMPARE(resolveChatStyle(cfg, "chatml").format, ChatFormat::ChatML);
        QVERIFY_THROWS_EXCEPTION(aletheia::Error, chatFormatFromName("vicuna"));
    }

    void gemmaRejectsNonAlternatingRoles() {
        ChatStyle st;
        st.format = ChatFormat::Gemma;
        QVERIFY_THROWS_EXCEPTION(aletheia::Error, renderChat(st, {{"user", "a"}, {"user", "b"}}));
    }
};

QTEST_APPLESS_MAIN(TstChatFormat)
#include "tst_chat_format.moc"
