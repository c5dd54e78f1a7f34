#include "ui/workers/chat_worker.h"

#include <chrono>
#include <exception>

#include "core/generate/eos_ids.h"
#include "core/lora/adapter_set.h"
#include "core/text/tokenizer.h"
#include "core/train/checkpoint_adapters.h"

namespace aletheia::ui {

ChatWorker::ChatWorker(ChatRequest request, std::shared_ptr<StopToken> stop)
    : request_(std::move(request)), stop_(std::move(stop)) {}

void ChatWorker::run() {
    try {
        const std::string dir = request_.modelDir.toStdString();
        const Model& model = request_.model;
        const Tokenizer tok = Tokenizer::fromDirectory(dir);
        const auto prompt = promptIds(tok, request_.prompt.toStdString(), request_.format);
        GenerateOptions o = request_.options;
        o.eosIds = eosTokenIds(dir, model.config(), &tok);
        if (usesChatTemplate(tok, request_.format))
            if (const auto end = chatTurnEndId(tok)) o.eosIds.push_back(*end);
        checkGenerateOptions(o);

        AdapterSet adapters;
        if (!request_.checkpoint.isEmpty())  // fails before any token when the checkpoint is broken
            adapters = loadCheckpointAdapters(model, request_.plan, request_.checkpoint.toStdString());
        for (int side : {Base, Adapted}) {
            if (side == Adapted && request_.checkpoint.isEmpty()) break;
            if (stop_->stopRequested()) break;
            ForwardHooks hooks;
            if (side == Adapted) hooks.adapters = &adapters;
            const auto start = std::chrono::steady_clock::now();
            const GenerateResult r = generate(
                model, prompt, o, hooks, &tok,
                [&](const GeneratedToken& t) { emit token(side, QString::fromStdString(t.text)); }, stop_.get());
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            emit sideFinished(side, QString::fromStdString(stopReasonName(r.reason)), int(r.tokens.size()),
                              s > 0 ? double(r.tokens.size()) / s : 0.0);
        }
        emit finished(true, stop_->stopRequested() ? "stopped" : "done");
    } catch (const std::exception& e) {
        emit finished(false, QString::fromStdString(e.what()));
    }
}

}  // namespace aletheia::ui
