import { render } from "preact";

render(<p>Журнал</p>, document.getElementById("app")!);
