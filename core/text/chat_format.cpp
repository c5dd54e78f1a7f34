#include "core/text/chat_format.h"

#include "core/common/error.h"
#include "core/text/unicode.h"

namespace aletheia::text {

namespace {

// Python's str.strip() / Jinja's trim: Unicode white space at both ends.
std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e) {
        size_t i = b;
        if (!isWhiteSpace(nextCodePoint(s, i))) break;
        b = i;
    }
    while (e > b) {
        size_t st = e - 1;
        while (st > b && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
        size_t i = st;
        if (!isWhiteSpace(nextCodePoint(s, i))) break;
        e = st;
    }
    return s.substr(b, e - b);
}

std::string stripChar(const std::string& s, char c, bool left, bool right) {
    size_t b = 0, e = s.size();
    if (left) while (b < e && s[b] == c) ++b;
    if (right) while (e > b && s[e - 1] == c) --e;
    return s.substr(b, e - b);
}

// Appends text and records it as one span (merging with the previous span of the same kind).
class Builder {
public:
    void add(const std::string& s, bool response) {
        if (s.empty()) return;
        if (!out_.spans.empty() && out_.spans.back().response == response) out_.spans.back().end += s.size();
        else out_.spans.push_back({out_.text.size(), out_.text.size() + s.size(), response});
        out_.text += s;
    }
    void prompt(const std::string& s) { add(s, false); }
    void response(const std::string& s) { add(s, true); }
    RenderedChat take() { return std::move(out_); }
private:
    RenderedChat out_;
};

[[noreturn]] void badRole(const std::string& role, ChatFormat f, const char* allowed) {
    fail("chat message role '" + role + "' is not supported by the " + chatFormatName(f) + " format (allowed: " +
         allowed + ")");
}

RenderedChat renderChatML(const ChatStyle& st, const std::vector<ChatMessage>& msgs, bool genPrompt) {
    Builder b;
    if (!st.defaultSystem.empty() && (msgs.empty() || msgs[0].role != "system"))
        b.prompt("<|im_start|>system\n" + st.defaultSystem + "<|im_end|>\n");
    for (const auto& m : msgs) {
        if (m.role == "assistant") {
            b.prompt("<|im_start|>assistant\n");
            b.response(m.content + "<|im_end|>");
            b.prompt("\n");
        } else if (m.role == "system" || m.role == "user" || m.role == "tool") {
            b.prompt("<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n");
        } else {
            badRole(m.role, st.format, "system, user, assistant, tool");
        }
    }
    if (genPrompt) b.prompt("<|im_start|>assistant\n");
    return b.take();
}

bool startsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool endsWith(const std::string& s, const std::string& p) {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// Qwen3's template (tools not passed): see tokenizer_config.json of Qwen3.
RenderedChat renderQwen3(const std::vector<ChatMessage>& msgs, bool genPrompt) {
    Builder b;
    const long n = static_cast<long>(msgs.size());
    long lastQuery = n - 1;
    for (long i = n - 1; i >= 0; --i) {
        const auto& m = msgs[static_cast<size_t>(i)];
        if (m.role == "user" && !(startsWith(m.content, "<tool_response>") && endsWith(m.content, "</tool_response>"))) {
            lastQuery = i;
            break;
        }
    }
    if (n > 0 && msgs[0].role == "system") b.prompt("<|im_start|>system\n" + msgs[0].content + "<|im_end|>\n");
    for (long i = 0; i < n; ++i) {
        const auto& m = msgs[static_cast<size_t>(i)];
        if (m.role == "user" || (m.role == "system" && i != 0)) {
            b.prompt("<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n");
        } else if (m.role == "system") {
            continue;  // rendered above
        } else if (m.role == "assistant") {
            std::string content = m.content, reasoning;
            const size_t close = content.find("</think>");
            if (close != std::string::npos) {
                const size_t lastClose = content.rfind("</think>");
                std::string before = stripChar(content.substr(0, close), '\n', false, true);
                const size_t open = before.rfind("<think>");
                if (open != std::string::npos) before = before.substr(open + 7);
                reasoning = stripChar(before, '\n', true, false);
                content = stripChar(content.substr(lastClose + 8), '\n', true, false);
            }
            b.prompt("<|im_start|>assistant\n");
            if (i > lastQuery && (i == n - 1 || !reasoning.empty()))
                b.response("<think>\n" + stripChar(reasoning, '\n', true, true) + "\n</think>\n\n" +
                           stripChar(content, '\n', true, false));
            else
                b.response(content);
            b.response("<|im_end|>");
            b.prompt("\n");
        } else if (m.role == "tool") {
            if (i == 0 || msgs[static_cast<size_t>(i - 1)].role != "tool") b.prompt("<|im_start|>user");
            b.prompt("\n<tool_response>\n" + m.content + "\n</tool_response>");
            if (i == n - 1 || msgs[static_cast<size_t>(i + 1)].role != "tool") b.prompt("<|im_end|>\n");
        } else {
            badRole(m.role, ChatFormat::Qwen3, "system, user, assistant, tool");
        }
    }
    if (genPrompt) b.prompt("<|im_start|>assistant\n");
    return b.take();
}

RenderedChat renderLlama3(const ChatStyle& st, const std::vector<ChatMessage>& msgs, bool genPrompt) {
    Builder b;
    b.prompt(st.bosToken);
    for (const auto& m : msgs) {
        if (m.role != "system" && m.role != "user" && m.role != "assistant" && m.role != "tool" && m.role != "ipython")
            badRole(m.role, st.format, "system, user, assistant, tool, ipython");
        b.prompt("<|start_header_id|>" + m.role + "<|end_header_id|>\n\n");
        b.add(trim(m.content) + "<|eot_id|>", m.role == "assistant");
    }
    if (genPrompt || st.alwaysGenerationPrompt) b.prompt("<|start_header_id|>assistant<|end_header_id|>\n\n");
    return b.take();
}

// Meta's Llama-2 chat template (system folded into the first user turn) and Mistral's.
RenderedChat renderInst(const ChatStyle& st, const std::vector<ChatMessage>& msgs) {
    Builder b;
    const bool llama2 = st.format == ChatFormat::Llama2;
    size_t first = 0;
    std::string system;
    if (!msgs.empty() && msgs[0].role == "system") {
        if (!llama2) fail("the mistral chat format has no system role (use llama2, or fold it into the first user message)");
        system = msgs[0].content;
        first = 1;
    }
    if (!llama2) b.prompt(st.bosToken);
    for (size_t i = first; i < msgs.size(); ++i) {
        const auto& m = msgs[i];
        if ((m.role == "user") != ((i - first) % 2 == 0))
            fail("Conversation roles must alternate user/assistant/user/assistant/... (message " + std::to_string(i + 1) + ")");
        std::string content = m.content;
        if (llama2 && i == first && first == 1) content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
        if (m.role == "user") {
            if (llama2) b.prompt(st.bosToken + "[INST] " + trim(content) + " [/INST]");
            else b.prompt("[INST] " + content + " [/INST]");
        } else {
            if (llama2) b.response(" " + trim(content) + " " + st.eosToken);
            else b.response(content + st.eosToken);
        }
    }
    return b.take();
}

RenderedChat renderGemma(const ChatStyle& st, const std::vector<ChatMessage>& msgs, bool genPrompt) {
    Builder b;
    b.prompt(st.bosToken);
    size_t first = 0;
    std::string prefix;
    if (!msgs.empty() && msgs[0].role == "system") {
        prefix = msgs[0].content + "\n\n";
        first = 1;
    }
    for (size_t i = first; i < msgs.size(); ++i) {
        const auto& m = msgs[i];
        if ((m.role == "user") != ((i - first) % 2 == 0))
            fail("Conversation roles must alternate user/assistant/user/assistant/... (message " + std::to_string(i + 1) + ")");
        const bool assistant = m.role == "assistant";
        b.prompt("<start_of_turn>" + std::string(assistant ? "model" : m.role) + "\n" + (i == first ? prefix : ""));
        b.add(trim(m.content) + "<end_of_turn>", assistant);
        b.prompt("\n");
    }
    if (genPrompt) b.prompt("<start_of_turn>model\n");
    return b.take();
}

RenderedChat renderPhi3(const ChatStyle& st, const std::vector<ChatMessage>& msgs, bool genPrompt) {
    Builder b;
    if (st.phi3Bos) b.prompt(st.bosToken);
    for (const auto& m : msgs) {
        if (m.role != "system" && m.role != "user" && m.role != "assistant") badRole(m.role, st.format, "system, user, assistant");
        b.prompt("<|" + m.role + "|>\n");
        b.add(m.content + "<|end|>", m.role == "assistant");
        b.prompt("\n");
    }
    if (genPrompt) b.prompt("<|assistant|>\n");
    else if (st.phi3EosAtEnd) b.prompt(st.eosToken);
    return b.take();
}

bool contains(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

// ChatML templates that inject a default system prompt spell it as one literal:
// '<|im_start|>system\nYou are ...<|im_end|>\n'.
std::string defaultChatMLSystem(const std::string& tpl) {
    const std::string key = "'<|im_start|>system\\n";
    for (size_t p = tpl.find(key); p != std::string::npos; p = tpl.find(key, p + 1)) {
        const size_t start = p + key.size();
        const size_t end = tpl.find("<|im_end|>", start);
        const size_t quote = tpl.find('\'', start);
        if (end == std::string::npos || (quote != std::string::npos && quote < end) || end == start) continue;
        std::string s = tpl.substr(start, end - start);
        // Jinja string escapes used in practice.
        std::string out;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '\\' && i + 1 < s.size()) {
                const char c = s[++i];
                out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
            } else {
                out += s[i];
            }
        }
        return out;
    }
    return {};
}

}  // namespace

std::string supportedChatFormats() { return "chatml, qwen3, llama3, llama2, mistral, gemma, phi3"; }

ChatFormat chatFormatFromName(const std::string& name) {
    if (name == "chatml" || name == "qwen" || name == "qwen2") return ChatFormat::ChatML;
    if (name == "qwen3") return ChatFormat::Qwen3;
    if (name == "llama3" || name == "llama-3") return ChatFormat::Llama3;
    if (name == "llama2" || name == "llama-2") return ChatFormat::Llama2;
    if (name == "mistral") return ChatFormat::Mistral;
    if (name == "gemma" || name == "gemma3") return ChatFormat::Gemma;
    if (name == "phi3" || name == "phi-3") return ChatFormat::Phi3;
    fail("unknown chat format '" + name + "' (supported: " + supportedChatFormats() + ")");
}

std::string chatFormatName(ChatFormat f) {
    switch (f) {
        case ChatFormat::ChatML: return "chatml";
        case ChatFormat::Qwen3: return "qwen3";
        case ChatFormat::Llama3: return "llama3";
        case ChatFormat::Llama2: return "llama2";
        case ChatFormat::Mistral: return "mistral";
        case ChatFormat::Gemma: return "gemma";
        case ChatFormat::Phi3: return "phi3";
    }
    return "?";
}

std::optional<ChatFormat> detectChatFormat(const std::string& t) {
    if (contains(t, "<|im_start|>")) return contains(t, "<think>") ? ChatFormat::Qwen3 : ChatFormat::ChatML;
    if (contains(t, "<|start_header_id|>")) return ChatFormat::Llama3;
    if (contains(t, "<start_of_turn>")) return ChatFormat::Gemma;
    if (contains(t, "<|user|>") && contains(t, "<|end|>")) return ChatFormat::Phi3;
    if (contains(t, "[INST]")) return contains(t, "<<SYS>>") ? ChatFormat::Llama2 : ChatFormat::Mistral;
    return std::nullopt;
}

ChatStyle resolveChatStyle(const TokenizerConfig& config, const std::string& explicitName) {
    ChatStyle st;
    const std::string& tpl = config.chatTemplate;
    if (!explicitName.empty()) {
        st.format = chatFormatFromName(explicitName);
    } else if (tpl.empty()) {
        fail("the tokenizer has no chat_template; name a chat format explicitly (supported: " + supportedChatFormats() + ")");
    } else if (auto f = detectChatFormat(tpl)) {
        st.format = *f;
    } else {
        fail("the tokenizer's chat_template is not one of the recognised families; name a chat format explicitly "
             "(supported: " + supportedChatFormats() + ")");
    }
    st.bosToken = config.bosToken.value_or("");
    st.eosToken = config.eosToken.value_or("");
    // Families whose templates hard-code their tokens (Mistral/Llama-2 use the tokenizer's).
    if (st.format == ChatFormat::Llama3 && st.bosToken.empty()) st.bosToken = "<|begin_of_text|>";
    if (st.format == ChatFormat::Gemma && st.bosToken.empty()) st.bosToken = "<bos>";
    if ((st.format == ChatFormat::Llama2 || st.format == ChatFormat::Mistral) && st.bosToken.empty()) st.bosToken = "<s>";
    if ((st.format == ChatFormat::Llama2 || st.format == ChatFormat::Mistral) && st.eosToken.empty()) st.eosToken = "</s>";
    if (st.format == ChatFormat::Phi3 && st.eosToken.empty()) st.eosToken = "<|endoftext|>";
    if (!tpl.empty() && detectChatFormat(tpl) == st.format) {
        if (st.format == ChatFormat::ChatML) st.defaultSystem = defaultChatMLSystem(tpl);
        if (st.format == ChatFormat::Llama3) st.alwaysGenerationPrompt = !contains(tpl, "add_generation_prompt");
        if (st.format == ChatFormat::Phi3) {
            st.phi3Bos = contains(tpl, "bos_token");
            st.phi3EosAtEnd = contains(tpl, "eos_token");
        }
    }
    return st;
}

RenderedChat renderChat(const ChatStyle& style, const std::vector<ChatMessage>& messages, bool addGenerationPrompt) {
    switch (style.format) {
        case ChatFormat::ChatML: return renderChatML(style, messages, addGenerationPrompt);
        case ChatFormat::Qwen3: return renderQwen3(messages, addGenerationPrompt);
        case ChatFormat::Llama3: return renderLlama3(style, messages, addGenerationPrompt);
        case ChatFormat::Llama2:
        case ChatFormat::Mistral: return renderInst(style, messages);
        case ChatFormat::Gemma: return renderGemma(style, messages, addGenerationPrompt);
        case ChatFormat::Phi3: return renderPhi3(style, messages, addGenerationPrompt);
    }
    fail("unknown chat format");
}

}  // namespace aletheia::text
