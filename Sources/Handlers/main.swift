import LambdaRuntime
import Registrar
import Rollout

// The one `bootstrap` of every function in the pipeline: the function's `Handler` property (`_HANDLER`) picks the
// handler; an unknown name is reported to /init/error with the names this binary serves.
LambdaRuntime.run(HandlerTable([
    RegistrarHandler.name: RegistrarHandler.make,
    RolloutHandler.name: RolloutHandler.make,
]))
